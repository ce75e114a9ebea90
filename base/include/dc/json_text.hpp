#pragma once
// A string as a JSON string literal: the timeline file (dcrun --trace) and its report page
// both write names that may hold quotes, backslashes, control characters and '<' (escaped as
// \u003c, so that the text may sit inside an HTML <script> element).

#include <cstdio>
#include <string>

namespace dc {

inline std::string json_text(const std::string& text) {
    std::string out = "\"";
    out.reserve(text.size() + 2);
    for (const char ch : text) {
        const auto u = static_cast<unsigned char>(ch);
        if (ch == '"' || ch == '\\') {
            out += '\\';
            out += ch;
        } else if (u < 0x20 || ch == '<') {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", u);
            out += escaped;
        } else {
            out += ch;
        }
    }
    return out + "\"";
}

} // namespace dc
