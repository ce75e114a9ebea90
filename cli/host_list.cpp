#include "host_list.hpp"

#include <dc/errors.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace dc::cli {
namespace {

bool all_digits(const std::string& s) {
    return !s.empty() && s.size() <= 6 && std::all_of(s.begin(), s.end(), ::isdigit);
}

/// "N" (>= 1) or "auto" into h; false if it is neither.
bool read_count(const std::string& text, ssh_host& h) {
    if (text == "auto") {
        h.auto_count = true;
        return true;
    }
    if (!all_digits(text) || std::stoi(text) < 1) return false;
    h.count = std::stoi(text);
    return true;
}

} // namespace

std::vector<ssh_host> parse_hosts_flag(const std::string& value) {
    std::vector<ssh_host> hosts;
    std::stringstream in(value);
    for (std::string item; std::getline(in, item, ',');) {
        const auto bad = [&](const std::string& why) {
            std::string text = "--hosts: '" + item + "': ";
            text += why;
            text += "\n  hint: write host, host:count or user@host:count, separated by commas "
                    "(e.g. a,b:4,alice@c:2)";
            return config_error(text);
        };
        if (item.empty()) throw bad("empty entry");
        ssh_host h;
        std::string spec = item;
        if (auto colon = spec.rfind(':'); colon != std::string::npos) {
            if (!read_count(spec.substr(colon + 1), h))
                throw bad("the count after ':' must be a number >= 1 or auto");
            spec = spec.substr(0, colon);
        }
        try {
            auto parsed = parse_host_spec(spec); // no port here: ':' was the count
            h.host = parsed.host;
            h.user = parsed.user;
        } catch (const std::invalid_argument& e) {
            throw bad(e.what());
        }
        hosts.push_back(h);
    }
    if (hosts.empty()) throw config_error("--hosts: no hosts given\n  hint: --hosts a,b:4");
    return hosts;
}

std::vector<ssh_host> read_machine_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw config_error(path + ": cannot read the machine file (check the path)");
    std::vector<ssh_host> hosts;
    int line_number = 0;
    for (std::string line; std::getline(in, line);) {
        ++line_number;
        if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
        const auto start = line.find_first_not_of(" \t");
        if (start == std::string::npos) continue;
        const auto end = line.find_first_of(" \t", start);
        std::string spec = line.substr(start, end - start);
        const auto fail = [&](std::size_t column, const std::string& why) {
            std::string text = path + ":" + std::to_string(line_number) + ":";
            text += std::to_string(column + 1);
            text += ": ";
            text += why;
            text += "\n  hint: one host a line: [count*][user@]host[:port] [bind_addr[:port]], "
                    "e.g. 4*alice@node1:22";
            return config_error(text);
        };
        ssh_host h;
        if (auto star = spec.find('*'); star != std::string::npos) {
            if (!read_count(spec.substr(0, star), h)) {
                throw fail(start, "the count before '*' must be a number >= 1 or auto");
            }
            spec = spec.substr(star + 1);
        }
        try {
            auto parsed = parse_host_spec(spec);
            h.host = parsed.host;
            h.user = parsed.user;
            h.port = parsed.port;
        } catch (const std::invalid_argument& e) {
            throw fail(start, e.what());
        }
        if (end != std::string::npos) { // a bind address may follow; anything else is a mistake
            const auto next = line.find_first_not_of(" \t", end);
            if (next != std::string::npos) {
                const auto after = line.find_first_of(" \t", next);
                h.bind_addr = line.substr(next, after - next);
                if (auto colon = h.bind_addr.rfind(':');
                    colon != std::string::npos && h.bind_addr.find(':') == colon) {
                    h.bind_addr.erase(colon); // Julia's bind_addr:port; we pick the port
                }
                if (after != std::string::npos &&
                    line.find_first_not_of(" \t", after) != std::string::npos) {
                    throw fail(line.find_first_not_of(" \t", after),
                               "unexpected text after the bind address");
                }
            }
        }
        hosts.push_back(h);
    }
    if (hosts.empty()) throw config_error(path + ": the machine file lists no hosts");
    return hosts;
}

} // namespace dc::cli
