// Policy variables (docs/aws/iot-core.md §5.2): what `${iot:…}` / `${aws:…}` and condition keys
// stand for on one connection, and policy strings with those variables substituted. Sans-I/O,
// values in, values out.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/thing.hpp"

namespace iotemu::policy {

// Everything a policy can ask about the connection being authorized. The broker fills it once per
// connection; a field left empty makes its variable unresolvable (docs/aws/iot-core.md §5.2).
struct Variables {
    std::optional<std::string> client_id;  // ${iot:ClientId}: MQTT only, absent over HTTPS (§6.5)
    // Thing variables resolve only when the client id names a thing attached to the certificate;
    // leave them empty otherwise (docs/aws/iot-core.md §5.2).
    std::optional<std::string> thing_name;                // ${iot:Connection.Thing.ThingName}
    std::optional<std::string> thing_type_name;           // ${iot:Connection.Thing.ThingTypeName}
    std::map<std::string, std::string> thing_attributes;  // ${iot:Connection.Thing.Attributes[n]}
    bool thing_is_attached = false;  // ${iot:Connection.Thing.IsAttached}: "true" / "false"
    // Certificate subject and issuer attributes by AWS attribute name ("CommonName", "Country",
    // "Organization", "OrganizationalUnit", "State", "SerialNumber", …), in certificate order;
    // a name repeats for a multi-valued attribute. ${iot:Certificate.Subject.<Name>[.N|.List]}.
    std::vector<std::pair<std::string, std::string>> subject, issuer;
    // Alternative names by AWS type name ("DNSName", "RFC822Name", "IPAddress",
    // "UniformResourceIdentifier", "DirectoryName"): ${iot:Certificate.Subject.AlternativeName.*}.
    std::vector<std::pair<std::string, std::string>> subject_alternative_names;
    std::vector<std::pair<std::string, std::string>> issuer_alternative_names;
    std::optional<std::string> certificate_serial_number;  // ${iot:Certificate.SerialNumber}
    std::optional<std::string> source_ip;                  // ${aws:SourceIp}
    // iot:ConnectAttributes condition key: "PersistentConnect", "LastWill"
    // (docs/aws/iot-core.md §5.1).
    std::vector<std::string> connect_attributes;
};

// Fills the thing variables from the thing attached to the connection, or clears them.
void set_thing_variables(Variables& variables, const std::optional<model::Thing>& attached_thing);

// The values a variable or condition key has on this connection, by its name without `${}`
// ("iot:ClientId", "iot:Certificate.Subject.Organization.List"). Names are case-insensitive except
// a thing attribute's name. Empty when it has none. A certificate value containing `* $ + ? #` or
// longer than 1024 characters does not exist for policies, and only a certificate attribute's
// first five values do (docs/aws/iot-core.md §5.2).
std::vector<std::string> key_values(std::string_view name, const Variables& variables);

// A policy string (Resource entry or Condition value) split once into literal text and variable
// references, then rendered per connection.
class Template {
public:
    explicit Template(std::string_view text);

    // The string as a wildcard pattern: literal text kept with its wildcards, each variable's value
    // escaped so that it matches only itself. nullopt when a variable has no single value: such a
    // string is left unsubstituted by AWS and matches no real resource (docs/aws/iot-core.md §5.2).
    std::optional<std::string> render_pattern(const Variables& variables) const;
    // The string as plain text: escapes turned into their characters, values inserted verbatim.
    std::optional<std::string> render_text(const Variables& variables) const;
    // render_pattern then wildcard_match, without building a string when there is no variable.
    bool matches(std::string_view text, const Variables& variables) const;
    // The variables this string names, without `${}`, e.g. "iot:Connection.Thing.ThingName".
    std::vector<std::string_view> variable_names() const;

private:
    struct Piece {
        bool is_variable;
        std::string text;  // literal text, or the variable's name
    };
    template <class Literal, class Value>
    std::optional<std::string> render(const Variables& variables, Literal literal,
                                      Value value) const;

    std::vector<Piece> pieces_;
};

}  // namespace iotemu::policy
