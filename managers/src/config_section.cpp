#include <dc/managers/config_section.hpp>

#include <algorithm>
#include <optional>
#include <set>

namespace dc::managers {
namespace {

std::size_t distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = up;
        }
    }
    return row[b.size()];
}

std::string join(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words)
        out += (out.empty() ? "" : ", ") + w;
    return out;
}

/// The scalar read as a number by `parse` (std::stol, std::stod), if all of it is one.
template <class T, class Parse> std::optional<T> number(const config_node& n, Parse parse) {
    if (n.type != config_node::kind::scalar || n.scalar == config_node::scalar_type::string) {
        return std::nullopt;
    }
    try {
        std::size_t used = 0;
        T value = parse(n.text, &used);
        if (used == n.text.size()) return value;
    } catch (const std::exception&) { // not a number: reported by the caller
    }
    return std::nullopt;
}

} // namespace

std::string closest(const std::string& word, const std::vector<std::string>& choices) {
    std::string best;
    std::size_t best_distance = 3; // only near misses
    for (const auto& c : choices) {
        if (auto d = distance(word, c); d < best_distance) {
            best = c;
            best_distance = d;
        }
    }
    return best;
}

void config_reader::fail(int line, int column, const std::string& message,
                         const std::string& hint) const {
    throw config_error(path_ + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " +
                       message + "\n  hint: " + hint);
}
void config_reader::fail(const config_node& n, const std::string& message,
                         const std::string& hint) const {
    fail(n.line, n.column, message, hint);
}

void config_reader::each(
    const config_node& map, const std::string& where, const std::vector<std::string>& keys,
    const std::function<void(const std::string&, const config_node&)>& handle) const {
    if (map.type != config_node::kind::map) {
        fail(map, where + " must be a table of keys", "write it as key: value lines");
    }
    std::set<std::string> seen;
    for (const auto& e : map.entries) {
        if (std::find(keys.begin(), keys.end(), e.key) == keys.end()) {
            const auto near = closest(e.key, keys);
            fail(e.line, e.column, "unknown key '" + e.key + "' in " + where,
                 near.empty() ? "the keys here are: " + join(keys)
                              : "did you mean '" + near + "'?");
        }
        if (!seen.insert(e.key).second)
            fail(e.line, e.column, "'" + e.key + "' is given twice", "keep one");
        handle(e.key, e.value);
    }
}

std::string config_reader::text(const config_node& n, const std::string& name) const {
    if (n.type != config_node::kind::scalar || n.scalar == config_node::scalar_type::boolean) {
        fail(n, "'" + name + "' must be a string", "write it as " + name + ": \"...\"");
    }
    return n.text;
}
int config_reader::whole(const config_node& n, const std::string& name, int min) const {
    auto value =
        number<long>(n, [](const std::string& t, std::size_t* used) { return std::stol(t, used); });
    if (!value || *value < min || *value > 1'000'000) {
        fail(n,
             "'" + name + "' must be a whole number >= " + std::to_string(min) + ", got '" +
                 n.text + "'",
             "for example " + name + ": " + std::to_string(std::max(min, 4)));
    }
    return static_cast<int>(*value);
}
double config_reader::seconds(const config_node& n, const std::string& name) const {
    auto value = number<double>(
        n, [](const std::string& t, std::size_t* used) { return std::stod(t, used); });
    if (!value || !(*value > 0)) {
        fail(n, "'" + name + "' must be a positive number of seconds, got '" + n.text + "'",
             "for example " + name + ": 60");
    }
    return *value;
}
bool config_reader::flag(const config_node& n, const std::string& name) const {
    if (n.type == config_node::kind::scalar && (n.text == "true" || n.text == "false")) {
        return n.text == "true";
    }
    fail(n, "'" + name + "' must be true or false, got '" + n.text + "'", name + ": true");
}
std::string config_reader::choice(const config_node& n, const std::string& name,
                                  const std::vector<std::string>& allowed) const {
    auto value = text(n, name);
    if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return value;
    const auto near = closest(value, allowed);
    fail(n, "'" + name + "' cannot be '" + value + "'",
         (near.empty() ? "use one of " + join(allowed) : "did you mean '" + near + "'?"));
}
std::vector<std::string> config_reader::words(const config_node& n, const std::string& name) const {
    if (n.type != config_node::kind::list) {
        fail(n, "'" + name + "' must be a list", name + R"(: ["--first", "--second"])");
    }
    std::vector<std::string> out;
    for (const auto& item : n.items)
        out.push_back(text(item, name + " item"));
    return out;
}

} // namespace dc::managers
