#pragma once
// YAML and TOML documents read into one small tree that keeps line and column of every value,
// so that one validator serves both formats.

#include <dc/managers/config_section.hpp>

#include <string>
#include <utility>
#include <vector>

namespace dc::cli::detail {

using managers::config_node;

/// Reads a file; throws dc::config_error "file:line:column: ..." on a syntax error.
config_node read_yaml(const std::string& path);
config_node read_toml(const std::string& path);

} // namespace dc::cli::detail
