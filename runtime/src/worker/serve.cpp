#include "worker/serve.hpp"

#include "cluster/runtime.hpp"
#include "peers/handshake.hpp"
#include "trace/trace_log.hpp"
#include "trace/trace_run.hpp"
#include "transport/bind_address.hpp"
#include "transport/endpoint.hpp"
#include "util/build_id.hpp"
#include "util/log.hpp"

#include <dc/errors.hpp>
#include <dc/launcher/address.hpp>
#include <dc/launcher/bootstrap.hpp>
#include <dc/launcher/route.hpp>
#include <dc/options.hpp>

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
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
    for (const auto& address : launcher::split_addresses(addresses)) {
        try {
            return std::make_shared<connection>(
                connect_to(address.text(), std::chrono::seconds(10)), "master");
        } catch (const dc::error& e) {
            errors += std::string(errors.empty() ? "" : "; ") + e.what();
        }
    }
    give_up("cannot reach the master: " + errors +
            "; if this host cannot reach that address, start dcrun with --bind-to an address "
            "of the master that it can reach, or with --ssh-tunnel");
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

/// DC_ID, or DC_ID_BASE plus the task number a batch system gave this process.
int worker_id() {
    if (auto base = env::get(env::id_base)) {
        const std::string offset_var = required(env::id_offset_from);
        return std::atoi(base->c_str()) + std::atoi(required(offset_var.c_str()).c_str());
    }
    return std::atoi(required(env::worker_id).c_str());
}

/// When this worker's batch job ends (DC_JOB_END, written by the job script), 0 if unknown.
std::int64_t job_end() {
    const auto text = env::get(env::job_end);
    if (!text || text->empty()) return 0;
    char* end = nullptr;
    const long long when = std::strtoll(text->c_str(), &end, 10);
    return *end == '\0' && when > 0 ? when : 0;
}

/// The cookie from the first line of standard input (remote workers: never on a command line).
std::string cookie_from_stdin() {
    std::string line;
    char c = 0;
    while (::read(STDIN_FILENO, &c, 1) == 1 && c != '\n')
        line += c;
    if (line.empty()) give_up("expected the cluster cookie on standard input");
    return line;
}

/// The cookie from the first line of a file only its owner can read.
std::string cookie_from_file(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    if (!std::getline(in, line) || line.empty()) {
        give_up("cannot read the cluster cookie from " + path +
                " (the workers' directory must be shared with the master)");
    }
    return line;
}

/// Ends this worker when its standard input closes: its SSH channel or batch step is gone.
void watch_stdin() {
    std::thread([] {
        char buf[256];
        while (true) {
            const auto n = ::read(STDIN_FILENO, buf, sizeof buf);
            if (n == 0 || (n < 0 && errno != EINTR)) break;
        }
        std::fflush(nullptr);
        ::_exit(0);
    }).detach();
}

/// "auto": the local address that faces the master (its first TCP address); loopback when
/// the master is on this host.
std::string bind_spec(const std::string& master_addresses) {
    auto spec = env::get(env::bind_to).value_or("");
    if (spec != "auto") return spec;
    for (const auto& a : launcher::split_addresses(master_addresses)) {
        if (a.same_host_only()) continue;
        const auto& host = a.host;
        if (launcher::is_loopback_host(host)) return "";
        try {
            return launcher::source_address_towards(host);
        } catch (const launch_error& e) {
            give_up(std::string("cannot find the address facing the master: ") + e.what());
        }
    }
    return "";
}

/// The cookie, id and topology the master gave this worker; then the variables that carried
/// them are removed (they are ours alone, not for programs this worker may start).
void adopt_identity(runtime& rt, int id) {
    const bool cookie_on_stdin = env::get(env::cookie_on_stdin).value_or("") == "1";
    const auto cookie_path = env::get(env::cookie_file);
    rt.set_cookie(cookie_on_stdin ? cookie_from_stdin()
                  : cookie_path   ? cookie_from_file(*cookie_path)
                                  : required(env::cookie));
    if (cookie_on_stdin) watch_stdin();
    rt.set_id(id);
    rt.set_links(env::get(env::topology).value_or("") == "master_worker"
                     ? dc::topology::master_worker
                     : dc::topology::all_to_all);
    ::unsetenv(env::cookie);
    ::unsetenv(env::role);
    ::unsetenv(env::cookie_on_stdin);
    ::unsetenv(env::cookie_file);
    ::unsetenv(env::id_base);
    ::unsetenv(env::id_offset_from);
}

} // namespace

void serve_as_worker() {
    std::setvbuf(stdout, nullptr, _IOLBF, 0); // lines reach the master as they are printed
    // Ctrl-C on a terminal reaches the whole process group: the master decides, and its
    // workers end when it does (they follow the master's link).
    std::signal(SIGINT, SIG_IGN);
    const std::string master_addresses = required(env::master);
    const int id = worker_id();
    auto& rt = runtime::instance();
    adopt_identity(rt, id);

    std::vector<std::string> addresses;
    try {
        addresses = rt.start_listening(resolve_bind_address(bind_spec(master_addresses)));
    } catch (const std::exception& e) {
        give_up(std::string("cannot listen for peers: ") + e.what());
    }
    auto master = connect_to_master(master_addresses);
    hello_msg hello{protocol_magic, rt.cookie(),     id,        ::getpid(),
                    rt.host(),      main_build_id(), addresses, job_end()};
    hello.sent_ns = trace::now_ns();
    bytes frame{static_cast<char>(kind::hello)};
    encode_into(frame, hello);
    try {
        master->send(frame);
    } catch (const dc::error& e) {
        give_up(e.what());
    }
    std::deque<inbound> early;
    auto welcome = read_welcome(*master, early);
    const std::int64_t welcomed = trace::now_ns();
    if (!welcome.accepted) give_up("the master refused this worker: " + welcome.reason);
    const std::int64_t offset = trace::clock_offset(hello.sent_ns, welcome.hello_received_ns,
                                                    welcome.sent_ns, welcomed, welcome.boot_id);
    if (welcome.trace) {
        trace::enable();
        trace::start_worker_flushes(offset);
    }

    authenticate(*master, 1);
    rt.add_process({1, "master", {}}, master);
    for (const auto& peer : welcome.peers)
        rt.add_process(peer, nullptr);
    rt.io().add(master, std::move(early));
    watch_master(master->fd());
    rt.start_heartbeat(env::get(env::heartbeat) ? std::atof(env::get(env::heartbeat)->c_str())
                                                : dc::options{}.heartbeat);
    DC_LOG(debug, "worker " << id << " joined");

    rt.io().wait_until([&rt] { return rt.exit_requested() || !rt.knows(1); },
                       engine::clock::time_point::max(), std::chrono::hours(1));
    if (trace::enabled()) trace::send_chunk(rt, offset, true);
    std::fflush(nullptr);
    ::_exit(0);
}

} // namespace dc::detail
