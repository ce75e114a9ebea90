#include <dc/launcher/bootstrap.hpp>
#include <dc/launcher/remote_worker.hpp>

#include <dc/errors.hpp>

namespace dc::launcher {

std::string make_remote(worker_command& cmd, const remote_worker_env& how) {
    auto& e = cmd.env;
    const auto at = e.find(env::cookie);
    if (at == e.end()) throw launch_error("a worker command without the cluster cookie");
    std::string cookie = at->second;
    e.erase(at);
    e.erase(env::worker_id);
    if (how.cookie_file.empty()) {
        e[env::cookie_on_stdin] = "1";
    } else {
        e[env::cookie_file] = how.cookie_file;
    }
    if (how.id) {
        e[env::worker_id] = std::to_string(*how.id);
    } else if (!how.id_offset_from.empty()) {
        e[env::id_base] = std::to_string(how.id_base);
        e[env::id_offset_from] = how.id_offset_from;
    }
    e[env::bind_to] = how.bind_to;
    return cookie;
}

} // namespace dc::launcher
