#pragma once
// SSH worker hosts from the command line: `--hosts a,b:4,user@c:2` (":N" is a worker count) and
// Julia's machine files, one host a line: `[count*][user@]host[:port] [bind_addr[:port]]`
// (count may be `auto`: the host's CPU count; `#` starts a comment).

#include "cluster_file.hpp"

#include <string>
#include <vector>

namespace dc::cli {

/// Parses the value of --hosts. Throws dc::config_error ("--hosts: ...") naming the bad entry.
std::vector<ssh_host> parse_hosts_flag(const std::string& value);

/// Reads a machine file. Throws dc::config_error "file:line:column: message" with a hint.
std::vector<ssh_host> read_machine_file(const std::string& path);

} // namespace dc::cli
