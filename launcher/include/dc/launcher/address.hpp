#pragma once
// Where a dc process listens, as it travels in messages and in DC_MASTER: "unix:@<name>" (a
// Linux abstract socket: same host only, nothing to clean up) or "tcp:<host>:<port>" (IPv6 in
// brackets: "tcp:[::1]:<port>"). A process's addresses travel as one line, ';' between them.

#include <string>
#include <vector>

namespace dc::launcher {

struct address {
    enum class kind { unix_socket, tcp };
    kind type = kind::tcp;
    std::string host; ///< tcp: a name or address literal, without brackets
    std::string port; ///< tcp: the port
    std::string name; ///< unix_socket: the abstract name, without the '@'

    /// Reads "unix:@name" or "tcp:host:port". Throws dc::error naming the text and the forms.
    static address parse(const std::string& text);
    static address unix_socket(std::string name);
    static address tcp(std::string host, int port);
    std::string text() const;
    bool same_host_only() const { return type == kind::unix_socket; }
};

/// Addresses as one line ("a;b") and back; texts that are not addresses throw dc::error.
std::string join_addresses(const std::vector<address>& addresses);
std::vector<address> split_addresses(const std::string& line);

} // namespace dc::launcher
