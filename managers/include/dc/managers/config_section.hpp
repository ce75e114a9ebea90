#pragma once
// A cluster file's tree, whichever format it was written in (the cli reads YAML and TOML into
// it, keeping every value's line and column), and the reader that checks it against the schema:
// each value's type and range, unknown keys with a "did you mean" hint, every mistake reported
// as "file:line:column: message" and a hint (dc::config_error). Each manager reads its own
// section with it (registry.hpp).

#include <dc/errors.hpp>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace dc::managers {

struct config_node {
    enum class kind { map, list, scalar, null };
    enum class scalar_type { untyped, string, integer, real, boolean }; // YAML scalars are untyped
    kind type = kind::null;
    scalar_type scalar = scalar_type::untyped;
    std::string text;
    int line = 0, column = 0; ///< 1-based
    struct entry;
    std::vector<entry> entries; ///< for maps, in file order
    std::vector<config_node> items;
};

struct config_node::entry {
    std::string key;
    int line = 0, column = 0;
    config_node value;
};

/// The closest of `choices` to `word` (at most two edits away), or "".
std::string closest(const std::string& word, const std::vector<std::string>& choices);

/// Reads one document against the schema, reporting the first mistake with its position.
class config_reader {
public:
    explicit config_reader(std::string path) : path_(std::move(path)) {}

    [[noreturn]] void fail(int line, int column, const std::string& message,
                           const std::string& hint) const;
    [[noreturn]] void fail(const config_node& n, const std::string& message,
                           const std::string& hint) const;
    /// Calls handle(key, value) for each entry; unknown keys are errors with a suggestion.
    void each(const config_node& map, const std::string& where,
              const std::vector<std::string>& keys,
              const std::function<void(const std::string&, const config_node&)>& handle) const;
    /// The value as a string (any scalar but true/false).
    std::string text(const config_node& n, const std::string& name) const;
    /// A whole number from `min` to 1,000,000.
    int whole(const config_node& n, const std::string& name, int min) const;
    /// A positive number of seconds.
    double seconds(const config_node& n, const std::string& name) const;
    /// true or false.
    bool flag(const config_node& n, const std::string& name) const;
    /// One of `allowed` (a near miss gets a "did you mean").
    std::string choice(const config_node& n, const std::string& name,
                       const std::vector<std::string>& allowed) const;
    /// A list of strings.
    std::vector<std::string> words(const config_node& n, const std::string& name) const;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

} // namespace dc::managers
