#include <dc/launcher/address.hpp>

#include <dc/errors.hpp>

#include <sstream>

namespace dc::launcher {

address address::parse(const std::string& text) {
    const auto malformed = [&](const char* expected) {
        return dc::error("malformed address '" + text + "': expected " + expected);
    };
    if (text.rfind("unix:", 0) == 0) {
        if (text.size() < 7 || text[5] != '@') throw malformed("unix:@<name>");
        return unix_socket(text.substr(6));
    }
    if (text.rfind("tcp:", 0) != 0) throw malformed("unix:@<name> or tcp:<host>:<port>");
    const std::string rest = text.substr(4);
    const auto colon = rest.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == rest.size()) {
        throw malformed("tcp:<host>:<port>");
    }
    address a;
    a.type = kind::tcp;
    a.host = rest.substr(0, colon);
    if (a.host.size() > 2 && a.host.front() == '[' && a.host.back() == ']') {
        a.host = a.host.substr(1, a.host.size() - 2);
    }
    a.port = rest.substr(colon + 1);
    return a;
}

address address::unix_socket(std::string name) {
    address a;
    a.type = kind::unix_socket;
    a.name = std::move(name);
    return a;
}

address address::tcp(std::string host, int port) {
    address a;
    a.type = kind::tcp;
    a.host = std::move(host);
    a.port = std::to_string(port);
    return a;
}

std::string address::text() const {
    if (type == kind::unix_socket) return "unix:@" + name;
    const bool v6 = host.find(':') != std::string::npos;
    return "tcp:" + (v6 ? "[" + host + "]" : host) + ":" + port;
}

std::string join_addresses(const std::vector<address>& addresses) {
    std::string line;
    for (const auto& a : addresses)
        line += (line.empty() ? "" : ";") + a.text();
    return line;
}

std::vector<address> split_addresses(const std::string& line) {
    std::vector<address> out;
    std::istringstream list(line);
    for (std::string text; std::getline(list, text, ';');) {
        if (!text.empty()) out.push_back(address::parse(text));
    }
    return out;
}

} // namespace dc::launcher
