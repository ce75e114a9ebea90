#pragma once
// YAML and TOML documents read into one small tree that keeps line and column of every value,
// so that one validator serves both formats.

#include <string>
#include <utility>
#include <vector>

namespace dc::cli::detail {

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

/// Reads a file; throws dc::config_error "file:line:column: ..." on a syntax error.
config_node read_yaml(const std::string& path);
config_node read_toml(const std::string& path);

} // namespace dc::cli::detail
