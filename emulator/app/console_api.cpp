// Thin handlers: a file from the embedded assets, or a Viewer handed to the HTTP server as the
// body of a server-sent-events response. No state of the console's own.
#include "app/console_api.hpp"

#include <limits>
#include <stdexcept>

#include "console/assets.hpp"

namespace iotemu::app {
namespace {

api::Response file(std::string_view name) {
    const auto found = console::asset(name);
    if (!found)
        throw AwsError(aws_errors::resource_not_found,
                       "No console file " + std::string(name) + " (docs/console.md)");
    api::Response response;
    response.headers.emplace_back("content-type", std::string(found->content_type));
    response.headers.emplace_back("cache-control", "no-cache");
    response.body = std::string(found->body);
    return response;
}

}  // namespace

void add_console_routes(api::Router& router, console::Live& live) {
    router.add("GET", "/_emulator/console", [](api::Call&) {
        api::Response response;
        response.status = 308;
        response.headers.emplace_back("location", std::string(console_path));
        return response;
    });
    router.add("GET", "/_emulator/console/", [](api::Call&) { return file("index.html"); });
    router.add("GET", "/_emulator/console/{file}",
               [](api::Call& call) { return file(call.path("file")); });

    router.add("GET", "/_emulator/console/live", [&live](api::Call& call) {
        console::LiveFilter filter;
        filter.topic_filter = call.query("topic").value_or("");
        filter.client_id = call.query("clientId").value_or("");
        filter.after = static_cast<std::uint64_t>(
            call.query_int("after", 0, std::numeric_limits<std::int64_t>::max()).value_or(0));
        // EventSource reconnects with the id of the last journal event it saw.
        if (const auto last = call.header("last-event-id")) try {
                filter.after = std::stoull(*last);
            } catch (const std::exception&) {
                throw AwsError(aws_errors::invalid_request,
                               "Last-Event-ID must be a journal sequence number");
            }
        std::shared_ptr<console::Viewer> viewer;
        try {
            viewer = live.watch(std::move(filter));
        } catch (const std::invalid_argument& e) {
            throw AwsError(aws_errors::invalid_request, e.what());
        }
        if (!viewer)
            throw AwsError(aws_errors::too_many_requests,
                           "The console's live stream has its maximum number of viewers; close "
                           "a console page and retry");
        api::Response response;
        response.headers.emplace_back("content-type", "text/event-stream");
        response.headers.emplace_back("cache-control", "no-cache");
        response.body = "retry: 1000\n\n";  // reconnect after a second (a reset ends the stream)
        response.stream = std::move(viewer);
        return response;
    });
}

}  // namespace iotemu::app
