// XML for the query protocol's answers (STS, IAM): a small element tree and its text, escaped.
// Writes only; the emulator never reads XML. std only.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace iotemu::api::xml {

struct Element {
    std::string name;
    std::string text;               // character data; ignored when there are children
    std::vector<Element> children;  // in order
    std::string xmlns;              // the default namespace, on a document's root only
};

// <name>text</name>
Element leaf(std::string name, std::string text);
// <name>children…</name>
Element node(std::string name, std::vector<Element> children);
// A query-protocol list: <name><member>…</member>…</name>, each item renamed "member".
Element members(std::string name, std::vector<Element> items);
// "true" / "false", as the query protocol spells booleans.
Element boolean(std::string name, bool value);

// The element and its descendants, text and attribute values escaped.
std::string to_string(const Element& element);
// &, < and > as references (and " too in an attribute value); a CR as &#13;; other C0 controls,
// which XML 1.0 cannot carry, as U+FFFD.
std::string escape(std::string_view text, bool attribute = false);

}  // namespace iotemu::api::xml
