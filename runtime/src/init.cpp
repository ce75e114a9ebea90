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
#include <dc/managers/pbs_manager.hpp>
#include <dc/managers/slurm_manager.hpp>
#include <dc/managers/ssh_manager.hpp>

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

options options_from_dcrun() {
    options o;
    o.exename = env::get(env::exename).value_or("");
    o.exeflags = env::split_list(env::get(env::exeflags).value_or(""));
    o.dir = env::get(env::dir).value_or("");
    for (const auto& kv : env::split_list(env::get(env::extra_env).value_or(""))) {
        auto eq = kv.find('=');
        if (eq == std::string::npos) throw config_error("--env " + kv + ": expected KEY=VALUE");
        o.env[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    if (auto t = env::get(env::timeout)) o.timeout = std::stod(*t);
    if (env::get(env::topology).value_or("") == "master_worker") {
        o.topology = topology::master_worker;
    }
    for (const char* name : {env::procs, env::exename, env::exeflags, env::dir, env::extra_env,
                             env::timeout, env::topology}) {
        ::unsetenv(name);
    }
    return o;
}

/// The manager dcrun asked for (ssh, slurm, pbs), built from its settings; null for local.
std::unique_ptr<managers::cluster_manager> manager_from_dcrun() {
    const auto name = env::get(env::manager).value_or("local");
    const auto settings = env::get(env::manager_settings).value_or("");
    ::unsetenv(env::manager);
    ::unsetenv(env::manager_settings);
    if (name == "local") return nullptr;
    if (name == "ssh") {
        return std::make_unique<managers::ssh_manager>(managers::decode_ssh_settings(settings));
    }
    if (name == "slurm") {
        return std::make_unique<managers::slurm_manager>(managers::decode_slurm_settings(settings));
    }
    if (name == "pbs") {
        return std::make_unique<managers::pbs_manager>(managers::decode_pbs_settings(settings));
    }
    throw config_error("unknown manager '" + name + "'");
}

void start_requested_workers() {
    auto count = env::get(env::procs);
    if (!count) return;
    try {
        auto options = options_from_dcrun();
        if (auto manager = manager_from_dcrun()) {
            const int n = std::stoi(*count);
            if (n > 0) {
                addprocs(*manager, n, options);
            } else {
                addprocs(*manager, options);
            }
            return;
        }
        addprocs(std::stoi(*count), options);
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
    start_requested_workers();
}

void finalize() {
    if (!detail::runtime::alive() || detail::runtime::instance().id() != 1) return;
    detail::master::instance().remove_all();
}

} // namespace dc
