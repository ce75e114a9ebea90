#include "worker/serve.hpp"

#include "cluster/runtime.hpp"
#include "transport/bind_address.hpp"
#include "transport/endpoint.hpp"
#include "util/build_id.hpp"
#include "util/log.hpp"

#include <dc/errors.hpp>
#include <dc/launcher/bootstrap.hpp>

#include <poll.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <thread>

namespace dc::detail {
namespace {

namespace env = launcher::env;

constexpr int exit_cannot_join = 3;

[[noreturn]] void give_up(const std::string& why) {
    std::fprintf(stderr, "dc worker: %s\n", why.c_str());
    std::fflush(nullptr);
    ::_exit(exit_cannot_join);
}

std::string required(const char* name) {
    auto value = env::get(name);
    if (!value || value->empty()) give_up(std::string("missing environment variable ") + name);
    return *value;
}

std::shared_ptr<connection> connect_to_master(const std::string& addresses) {
    std::string errors;
    std::istringstream list(addresses);
    for (std::string address; std::getline(list, address, ';');) {
        try {
            return std::make_shared<connection>(connect_to(address, std::chrono::seconds(10)),
                                                "master");
        } catch (const dc::error& e) {
            errors += std::string(errors.empty() ? "" : "; ") + e.what();
        }
    }
    give_up("cannot reach the master: " + errors);
}

/// Reads the master's answer to our greeting (before the engine runs). Frames that arrived
/// behind it stay in `frames` for the engine.
welcome_msg read_welcome(connection& master, std::deque<inbound>& frames) {
    std::string why;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (frames.empty()) {
        pollfd p{master.fd(), POLLIN, 0};
        ::poll(&p, 1, 1000);
        if (!master.read_frames(frames, why)) give_up("the master closed the link: " + why);
        if (std::chrono::steady_clock::now() > deadline) give_up("no answer from the master");
    }
    auto body = std::move(frames.front().body);
    frames.pop_front();
    if (static_cast<kind>(body[0]) != kind::welcome) give_up("unexpected answer from the master");
    return decode_as<welcome_msg>(std::span<const char>(body).subspan(1));
}

/// Ends this worker as soon as the master's link hangs up, even while a call is running.
void watch_master(int fd) {
    std::thread([fd] {
        pollfd p{fd, POLLRDHUP, 0};
        while (::poll(&p, 1, -1) < 0 || !(p.revents & (POLLRDHUP | POLLHUP | POLLERR))) {
        }
        std::fflush(nullptr);
        ::_exit(0);
    }).detach();
}

} // namespace

void serve_as_worker() {
    std::setvbuf(stdout, nullptr, _IOLBF, 0); // lines reach the master as they are printed
    // Ctrl-C on a terminal reaches the whole process group: the master decides, and its
    // workers end when it does (they follow the master's link).
    std::signal(SIGINT, SIG_IGN);
    const std::string master_addresses = required(env::master);
    const int id = std::atoi(required(env::worker_id).c_str());
    auto& rt = runtime::instance();
    rt.set_cookie(required(env::cookie));
    rt.set_id(id);
    rt.set_links(env::get(env::topology).value_or("") == "master_worker"
                     ? dc::topology::master_worker
                     : dc::topology::all_to_all);
    // The secret and the role are ours alone, not for programs this worker may start.
    ::unsetenv(env::cookie);
    ::unsetenv(env::role);

    std::vector<std::string> addresses;
    try {
        addresses = rt.start_listening(resolve_bind_address(env::get(env::bind_to).value_or("")));
    } catch (const std::exception& e) {
        give_up(std::string("cannot listen for peers: ") + e.what());
    }
    auto master = connect_to_master(master_addresses);
    hello_msg hello{protocol_magic, rt.cookie(),     id,       ::getpid(),
                    rt.host(),      main_build_id(), addresses};
    bytes frame{static_cast<char>(kind::hello)};
    encode_into(frame, hello);
    try {
        master->send(frame);
    } catch (const dc::error& e) {
        give_up(e.what());
    }
    std::deque<inbound> early;
    auto welcome = read_welcome(*master, early);
    if (!welcome.accepted) give_up("the master refused this worker: " + welcome.reason);

    master->peer_id = 1;
    master->authenticated = true;
    master->set_frame_limit(UINT64_MAX >> 1);
    rt.add_process({1, "master", {}}, master);
    for (const auto& peer : welcome.peers)
        rt.add_process(peer, nullptr);
    rt.io().add(master, std::move(early));
    watch_master(master->fd());
    DC_LOG(debug, "worker " << id << " joined");

    rt.io().wait_until([&rt] { return rt.exit_requested() || !rt.knows(1); },
                       engine::clock::time_point::max(), std::chrono::hours(1));
    std::fflush(nullptr);
    ::_exit(0);
}

} // namespace dc::detail
