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

#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <thread>

namespace dc::launcher {
namespace bp = boost::process;

struct child_process::impl {
    bp::child child;
    int output_fd = -1;
    output_relay* relay = nullptr;
    std::optional<int> status;
    int exit_fd = -1; ///< a pidfd: readable once the process has ended (-1: poll instead)
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
    impl_->exit_fd = static_cast<int>(::syscall(SYS_pidfd_open, impl_->child.id(), 0));
}

child_process::~child_process() {
    if (impl_->child.valid() && running()) kill();
    wait_for(std::chrono::seconds(5));
    if (impl_->exit_fd >= 0) ::close(impl_->exit_fd);
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
    using namespace std::chrono;
    const auto deadline = steady_clock::now() + limit;
    while (running()) {
        const auto left = duration_cast<milliseconds>(deadline - steady_clock::now());
        if (left.count() <= 0) return false;
        if (impl_->exit_fd >= 0) { // woken the moment it ends
            pollfd ended{impl_->exit_fd, POLLIN, 0};
            ::poll(&ended, 1, static_cast<int>(std::min<milliseconds::rep>(left.count(), 1000)));
        } else {
            std::this_thread::sleep_for(std::min(left, milliseconds(2)));
        }
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
