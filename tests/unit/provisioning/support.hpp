// Shared by the provisioning tests (and the registry's JITP tests): parse-and-evaluate helpers
// that report what a user would see (the plan, or the error message), and the JITP workshop's
// template as its shell command makes it. Test-only.
#pragma once

#include <fstream>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include "provisioning/template.hpp"

namespace iotemu::provisioning::testing {

inline Template parsed(std::string_view body) {
    auto tmpl = Template::parse(body);
    INFO(body);
    if (!tmpl) FAIL("the template was refused: " + tmpl.error().message);
    return *tmpl;
}

// The message a template body is refused with ("" when it is accepted).
inline std::string parse_error(std::string_view body) {
    const auto tmpl = Template::parse(body);
    return tmpl ? std::string() : tmpl.error().message;
}

inline Plan plan_of(std::string_view body, const Parameters& parameters = {}) {
    auto plan = evaluate(parsed(body), parameters);
    INFO(body);
    if (!plan) FAIL("evaluation failed: " + plan.error().message);
    return *plan;
}

// The message evaluation fails with ("" when it succeeds).
inline std::string evaluate_error(std::string_view body, const Parameters& parameters = {}) {
    const auto plan = evaluate(parsed(body), parameters);
    return plan ? std::string() : plan.error().message;
}

// The AWS IoT Device Management workshop's JITP template exactly as its shell line
// (fixtures/jitp/workshop_template.sh: TB="{ \\\"Parameters\\\" : …}") makes it for
// the update-ca-certificate command, with IOT_POLICY=`policy`.
inline std::string workshop_template(std::string_view policy) {
    std::ifstream file(IOTEMU_SOURCE_DIR "/fixtures/jitp/workshop_template.sh");
    std::string line;
    while (std::getline(file, line) && !line.starts_with("TB=\"")) continue;
    REQUIRE(line.starts_with("TB=\""));
    // Bash inside double quotes: \\ is \ and \" is ", so \\\" leaves \" for the JSON string
    // the command sends, which decodes to ".
    std::string body;
    for (std::size_t i = 4; i + 1 < line.size(); ++i) {
        if (line.compare(i, 4, R"(\\\")") == 0) {
            body += '"';
            i += 3;
        } else if (line.compare(i, 11, "$IOT_POLICY") == 0) {
            body += policy;
            i += 10;
        } else {
            body += line[i];
        }
    }
    return body;
}

}  // namespace iotemu::provisioning::testing
