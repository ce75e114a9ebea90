#include <dc/launcher/bootstrap.hpp>

#include <cstdlib>

namespace dc::launcher::env {
namespace {
constexpr char separator = '\x1f';
}

std::string join_list(const std::vector<std::string>& items) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += separator;
        out += items[i];
    }
    return out;
}

std::vector<std::string> split_list(const std::string& joined) {
    std::vector<std::string> items;
    if (joined.empty()) return items;
    std::size_t start = 0;
    for (;;) {
        auto end = joined.find(separator, start);
        items.push_back(joined.substr(start, end - start));
        if (end == std::string::npos) return items;
        start = end + 1;
    }
}

std::optional<std::string> get(const char* name) {
    const char* value = std::getenv(name);
    if (!value) return std::nullopt;
    return std::string(value);
}

} // namespace dc::launcher::env
