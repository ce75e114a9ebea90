#include <dc/launcher/child_process.hpp>
#include <dc/launcher/output_relay.hpp>

#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/env.hpp>
#include <boost/process/environment.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/io.hpp>
#include <boost/process/pipe.hpp>
#include <boost/process/start_dir.hpp>

#include <dc/errors.hpp>

#include <csignal>
#include <unistd.h>

namespace dc::launcher {
namespace bp = boost::process;

struct child_process::impl {
    bp::child child;
    int output_fd = -1;
    output_relay* relay = nullptr;
    std::optional<int> status;
};

child_process::child_process(const worker_command& cmd, output_relay& relay, line_sink sink)
    : impl_(std::make_unique<impl>()) {
    bp::environment env = boost::this_process::environment();
    for (const auto& [key, value] : cmd.env)
        env[key] = value;
    bp::pipe output;
    std::error_code ec;
    if (cmd.dir.empty()) {
        impl_->child = bp::child(bp::exe = cmd.exe, bp::args = cmd.args, env,
                                 (bp::std_out & bp::std_err) > output, bp::std_in < bp::null, ec);
    } else {
        impl_->child =
            bp::child(bp::exe = cmd.exe, bp::args = cmd.args, bp::start_dir = cmd.dir, env,
                      (bp::std_out & bp::std_err) > output, bp::std_in < bp::null, ec);
    }
    if (ec) {
        throw launch_error("cannot start " + cmd.exe + (cmd.dir.empty() ? "" : " in " + cmd.dir) +
                           ": " + ec.message());
    }
    // The write end now belongs to the child alone, so we see end of file when it exits.
    ::close(output.native_sink());
    output.assign_sink(-1);
    impl_->output_fd = output.native_source();
    output.assign_source(-1);
    impl_->relay = &relay;
    relay.add(impl_->output_fd, std::move(sink));
}

child_process::~child_process() {
    if (impl_->child.valid() && running()) kill();
    wait_for(std::chrono::seconds(5));
}

int child_process::pid() const {
    return impl_->child.id();
}

bool child_process::running() {
    if (impl_->status) return false;
    std::error_code ec;
    bool alive = impl_->child.running(ec);
    if (!alive) impl_->status = impl_->child.native_exit_code();
    return alive;
}

std::optional<int> child_process::exit_status() {
    running();
    if (!impl_->status) return std::nullopt;
    const int raw = *impl_->status;
    return WIFSIGNALED(raw) ? 128 + WTERMSIG(raw) : WEXITSTATUS(raw);
}

bool child_process::wait_for(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (running()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
}

void child_process::kill() {
    if (impl_->status) return;
    ::kill(impl_->child.id(), SIGKILL);
}

void child_process::drain_output(std::chrono::milliseconds limit) {
    impl_->relay->wait_closed(impl_->output_fd, static_cast<int>(limit.count()));
}

} // namespace dc::launcher
