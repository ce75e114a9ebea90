// dc::init and dc::finalize: the master reads what dcrun asked for from the environment.

#include <dc/init.hpp>
#include <dc/interrupt.hpp>
#include <dc/procs.hpp>

#include "cluster/master.hpp"
#include "cluster/runtime.hpp"
#include "engine/interrupts.hpp"
#include "util/log.hpp"
#include "worker/serve.hpp"

#include <dc/errors.hpp>
#include <dc/exit_codes.hpp>
#include <dc/launcher/bootstrap.hpp>
#include <dc/launcher/launch_plan.hpp>
#include <dc/managers/registry.hpp>

#include <fcntl.h>
#include <malloc.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <exception>
#include <thread>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace dc {
namespace {

namespace env = launcher::env;

// Fresh memory is expensive here (faulting in 64 MiB costs ~3x sending it), and every fetch of
// a large array allocates one. Like MPI stacks, keep large freed blocks mapped so the next
// transfer reuses them. DC_MALLOC_TUNING=0 leaves glibc's defaults alone.
void keep_large_blocks_for_reuse() {
    if (env::get("DC_MALLOC_TUNING").value_or("1") == "0") return;
    constexpr int limit = 512 << 20;
    ::mallopt(M_MMAP_THRESHOLD, limit);
    ::mallopt(M_TRIM_THRESHOLD, limit);
}

void finalize_at_exit() {
    try {
        finalize();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "dc: while removing workers at exit: %s\n", e.what());
    }
}

int stop_signal_pipe[2] = {-1, -1};

void on_stop_signal(int sig) {
    const auto byte = static_cast<unsigned char>(sig);
    [[maybe_unused]] auto n = ::write(stop_signal_pipe[1], &byte, 1);
}

/// The first Ctrl-C interrupts: every call running on the workers, and what the master's
/// program waits for (it throws dc::interrupted_error; the cluster stays usable).
void interrupt_from_terminal() {
    std::fprintf(stderr, "\ndcrun: interrupted; press Ctrl-C again within 2 s to end the run\n");
    std::fflush(stderr);
    auto& rt = detail::runtime::instance();
    detail::count_terminal_interrupt();
    detail::interrupt_running_calls();
    rt.io().wake();
    // From a thread of its own: a send may wait (a worker busy receiving a large argument),
    // and this thread must stay free to see the second Ctrl-C.
    std::thread([ids = rt.ids(), self = rt.id()] {
        for (int id : ids) {
            if (id == self) continue;
            try {
                interrupt({id});
            } catch (const std::exception&) { // it is gone: nothing to interrupt
            }
        }
    }).detach();
}

/// Waits for the signal that ends the run: SIGTERM, or a SIGINT within 2 s of the previous one
/// (a lone SIGINT interrupts instead).
unsigned char wait_for_stop_signal() {
    std::chrono::steady_clock::time_point last_interrupt{};
    bool interrupted_before = false;
    for (;;) {
        unsigned char sig = 0;
        while (::read(stop_signal_pipe[0], &sig, 1) != 1) {
        }
        const auto now = std::chrono::steady_clock::now();
        if (sig != SIGINT ||
            (interrupted_before && now - last_interrupt < std::chrono::seconds(2))) {
            return sig;
        }
        interrupted_before = true;
        last_interrupt = now;
        interrupt_from_terminal();
    }
}

/// Ctrl-C twice (SIGINT) and SIGTERM end the master gracefully: its workers are removed through
/// their managers (steps and jobs cancelled) before it dies of the signal, so dcrun and the
/// shell see the usual status. A stuck clean-up is cut short after 10 s. Programs that install
/// their own handlers after dc::init replace this one.
void finalize_on_stop_signals() {
    if (::pipe2(stop_signal_pipe, O_CLOEXEC) != 0) return;
    std::thread([] {
        const unsigned char sig = wait_for_stop_signal();
        std::thread([sig] {
            std::this_thread::sleep_for(std::chrono::seconds(10));
            std::signal(sig, SIG_DFL);
            std::raise(sig);
        }).detach();
        try {
            detail::master::instance().remove_all();
        } catch (const std::exception&) {
        }
        std::fflush(nullptr);
        std::signal(sig, SIG_DFL);
        std::raise(sig);
    }).detach();
    for (int sig : {SIGINT, SIGTERM}) {
        struct sigaction current {};
        ::sigaction(sig, nullptr, &current);
        if (current.sa_handler != SIG_DFL) continue; // the program's own choice stands
        struct sigaction action {};
        action.sa_handler = on_stop_signal;
        ::sigemptyset(&action.sa_mask);
        ::sigaction(sig, &action, nullptr);
    }
}

std::terminate_handler default_terminate = nullptr;

/// An uncaught remote error ends the program as Julia's REPL shows one: the error, then the
/// worker's stack where it was thrown. The default handler then aborts as usual.
void print_uncaught_remote_error() {
    if (auto current = std::current_exception()) {
        try {
            std::rethrow_exception(current);
        } catch (const remote_exception& e) {
            std::fprintf(stderr, "ERROR: %s\n", e.what());
            if (!e.stacktrace().empty()) {
                std::fprintf(stderr, "Stacktrace on worker %d (%s, pid %lld):\n%s", e.pid(),
                             e.host().c_str(), e.os_pid(), e.stacktrace().c_str());
            }
            std::fflush(stderr);
        } catch (...) {
        }
    }
    if (default_terminate) default_terminate();
    std::abort();
}

options options_from(const launcher::launch_plan& plan) {
    options o;
    o.exename = plan.exename;
    o.exeflags = plan.exeflags;
    o.dir = plan.dir;
    for (const auto& kv : plan.env) {
        auto eq = kv.find('=');
        if (eq == std::string::npos) throw config_error("--env " + kv + ": expected KEY=VALUE");
        o.env[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    if (plan.timeout) o.timeout = *plan.timeout;
    if (plan.heartbeat) o.heartbeat = *plan.heartbeat;
    o.min_workers = plan.min_workers;
    if (plan.drain_before) o.drain_before = *plan.drain_before;
    o.replace_workers = plan.replace_workers;
    if (plan.idle_timeout) o.idle_timeout = *plan.idle_timeout;
    o.trace = plan.trace;
    if (plan.topology == "master_worker") o.topology = topology::master_worker;
    return o;
}

/// Starts the workers dcrun asked for, if it did: with the manager it named (looked up in the
/// registry; local workers are the runtime's own).
void start_requested_workers() {
    try {
        const auto plan = launcher::take_launch_plan();
        if (!plan) return;
        const auto options = options_from(*plan);
        detail::master::instance().set_quiet(plan->quiet);
        const auto& entry = managers::find_manager(plan->manager);
        if (!entry.make) {
            addprocs(plan->procs, options);
        } else {
            auto manager = entry.make(plan->manager_settings);
            auto& started_by = *manager;
            detail::master::instance().keep_manager(std::move(manager)); // replacements, adapt
            if (plan->procs > 0) {
                addprocs(started_by, plan->procs, options);
            } else {
                addprocs(started_by, options);
            }
        }
        if (const auto range = launcher::parse_adapt_range(plan->adapt)) {
            adapt(range->first, range->second);
        }
    } catch (const config_error& e) {
        std::fprintf(stderr, "dcrun: %s\n", e.what());
        std::exit(exit_config_error);
    } catch (const launch_error& e) {
        std::fprintf(stderr, "dcrun: %s\n", e.what());
        std::exit(exit_launch_error);
    }
}

} // namespace

void init(int /*argc*/, char** /*argv*/) {
    static bool initialized = false;
    if (initialized) return;
    initialized = true;
    keep_large_blocks_for_reuse();
    if (auto level = env::get(env::log_level)) {
        detail::set_log_level(detail::parse_log_level(*level));
    }
    if (env::get(env::role).value_or("") == "worker") detail::serve_as_worker();

    auto& rt = detail::runtime::instance();
    if (auto cookie = env::get(env::cookie)) {
        rt.set_cookie(*cookie);
        ::unsetenv(env::cookie);
    }
    auto& m = detail::master::instance(); // before atexit: it must outlive finalize
    if (auto bind = env::get(env::bind_to)) m.set_bind_to(*bind);
    std::atexit(finalize_at_exit);
    finalize_on_stop_signals();
    default_terminate = std::set_terminate(print_uncaught_remote_error);
    if (auto trace = env::get(env::trace); trace && !trace->empty()) { // without dcrun
        m.start_trace(*trace);
        ::unsetenv(env::trace);
    }
    start_requested_workers();
}

void finalize() {
    if (!detail::runtime::alive() || detail::runtime::instance().id() != 1) return;
    detail::master::instance().remove_all();
}

} // namespace dc
