// Writing an xml::Element tree as text. Knows no AWS shape.
#include "api/xml.hpp"

namespace iotemu::api::xml {
namespace {

void write(const Element& element, std::string& out) {
    out.append("<").append(element.name);
    if (!element.xmlns.empty())
        out.append(" xmlns=\"").append(escape(element.xmlns, true)).append("\"");
    if (element.children.empty() && element.text.empty()) {
        out.append("/>");
        return;
    }
    out.append(">");
    if (element.children.empty()) out.append(escape(element.text));
    for (const auto& child : element.children) write(child, out);
    out.append("</").append(element.name).append(">");
}

}  // namespace

Element leaf(std::string name, std::string text) {
    return Element{std::move(name), std::move(text), {}, {}};
}

Element node(std::string name, std::vector<Element> children) {
    return Element{std::move(name), {}, std::move(children), {}};
}

Element members(std::string name, std::vector<Element> items) {
    for (auto& item : items) item.name = "member";
    return node(std::move(name), std::move(items));
}

Element boolean(std::string name, bool value) {
    return leaf(std::move(name), value ? "true" : "false");
}

std::string escape(std::string_view text, bool attribute) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += attribute ? "&quot;" : "\"";
                break;
            case '\r':
                out += "&#13;";
                break;  // a parser would turn a raw CR into LF
            default:
                // XML 1.0 has no way to carry other C0 controls, not even as references.
                if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n')
                    out += "\xEF\xBF\xBD";  // U+FFFD
                else
                    out += c;
        }
    }
    return out;
}

std::string to_string(const Element& element) {
    std::string out;
    write(element, out);
    return out;
}

}  // namespace iotemu::api::xml
