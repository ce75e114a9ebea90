// A program for the dcrun tests. Its first argument picks what it does.

#include <dc/dc.hpp>

#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <numeric>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <unistd.h>

#ifdef DC_TEST_OTHER_BUILD
static const char* build_flavour = "other";
#else
static const char* build_flavour = "main";
#endif

namespace {

std::vector<std::string> g_argv;

std::string report() {
    const char* colour = std::getenv("DC_TEST_COLOUR");
    std::string argv;
    for (const auto& a : g_argv)
        argv += "[" + a + "]";
    return "worker " + std::to_string(dc::myid()) +
           " cwd=" + std::filesystem::current_path().string() +
           " colour=" + (colour ? colour : "unset") + " argv=" + argv;
}

/// Which of the ssh manager's libraries this process has mapped ("none" for none).
std::string ssh_libraries() {
    std::ifstream maps("/proc/self/maps");
    std::set<std::string> found;
    for (std::string line; std::getline(maps, line);) {
        for (const char* name :
             {"libssh.so", "libcrypto.so", "libgssapi_krb5.so", "libdc_ssh.so"}) {
            if (line.find(name) != std::string::npos) found.insert(name);
        }
    }
    std::string text;
    for (const auto& name : found)
        text += (text.empty() ? "" : ",") + name;
    return "process " + std::to_string(dc::myid()) + " maps " + (text.empty() ? "none" : text);
}

/// The node (Slurm) or sshd a worker was started through, "local" without either.
std::string place() {
    std::string server = "local";
    if (const char* node = std::getenv("SLURMD_NODENAME")) {
        server = std::string("node ") + node;
    } else if (const char* c = std::getenv("SSH_CONNECTION")) { // client port server port
        std::istringstream words(c);
        std::string skip;
        words >> skip >> skip >> server;
    }
    return server;
}

/// Where a worker runs (see place()) and its directory.
std::string where() {
    return "worker " + std::to_string(dc::myid()) + " at " + place() +
           " cwd=" + std::filesystem::current_path().string();
}

int throws_on_worker(int x) {
    if (x > 3) throw std::domain_error("x is " + std::to_string(x));
    return x;
}

/// A pmap of ITEMS items of MS milliseconds each, one item a batch, no retries: with
/// --drain-before it outlasts the workers' jobs, which drain and are replaced.
int walltime_mode(int argc, char** argv) {
    const int count = argc > 2 ? std::atoi(argv[2]) : 40;
    const int ms = argc > 3 ? std::atoi(argv[3]) : 250;
    std::vector<std::pair<int, int>> items; // {x, milliseconds}
    for (int x = 1; x <= count; ++x)
        items.emplace_back(x, ms);
    dc::pmap_options o;
    o.batch_size = 1;
    const auto who = dc::pmap(
        [](const std::pair<int, int>& item) {
            std::this_thread::sleep_for(std::chrono::milliseconds(item.second));
            return item.first * 1000 + dc::myid();
        },
        items, o);
    std::set<int> ran;
    int wrong = 0;
    for (std::size_t i = 0; i < who.size(); ++i) {
        wrong += who[i] / 1000 == items[i].first ? 0 : 1;
        ran.insert(who[i] % 1000);
    }
    std::cout << "pmap done: " << who.size() << " items, " << wrong << " wrong, ran on "
              << ran.size() << " processes" << std::endl;
    return wrong == 0 ? 0 : 1;
}

/// The output of a shell command, trimmed ("" when there is none).
std::string command_output(const std::string& command) {
    std::string out;
    if (FILE* p = ::popen(command.c_str(), "r")) {
        char buffer[256];
        while (std::fgets(buffer, sizeof buffer, p))
            out += buffer;
        ::pclose(p);
    }
    while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back())))
        out.pop_back();
    return out;
}

/// Run with --adapt MIN:MAX: a pmap of ITEMS items of MS milliseconds grows the cluster; then
/// it waits (up to 60 s) until idle workers are released down to MIN. QUEUE (a shell command
/// that counts the worker jobs) is printed at the peak and after the shrink.
int adapt_mode(int argc, char** argv) {
    const int count = argc > 2 ? std::atoi(argv[2]) : 60;
    const int ms = argc > 3 ? std::atoi(argv[3]) : 200;
    const int min = argc > 4 ? std::atoi(argv[4]) : 1;
    const std::string queue = argc > 5 ? argv[5] : "";
    std::cout << "at start " << dc::nworkers() << std::endl;
    const auto who = dc::pmap(
        [](int milliseconds) {
            std::this_thread::sleep_for(std::chrono::milliseconds(milliseconds));
            return dc::myid();
        },
        std::vector<int>(static_cast<std::size_t>(count), ms));
    const std::set<int> ran(who.begin(), who.end());
    std::cout << "pmap ran on " << ran.size() << " workers; nworkers " << dc::nworkers()
              << std::endl;
    if (!queue.empty()) std::cout << "queue at peak " << command_output(queue) << std::endl;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (dc::nworkers() > min && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::cout << "shrunk to " << dc::nworkers() << std::endl;
    if (queue.empty()) return 0;
    std::string jobs = command_output(queue);
    while (jobs != std::to_string(min) && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
        jobs = command_output(queue);
    }
    std::cout << "queue after shrink " << jobs << std::endl;
    return 0;
}

/// The first worker answers a call, then dies by SIGKILL in the next; the others go on.
int killed_mode() {
    const int w = dc::workers().front();
    std::cout << "first answers " << dc::remotecall_fetch([] { return 1; }, w) << std::endl;
    try {
        dc::remotecall_fetch(
            [] {
                ::kill(::getpid(), SIGKILL);
                return 0;
            },
            w);
    } catch (const dc::process_exited&) {
        std::cout << "worker " << w << " died" << std::endl;
    }
    std::cout << "others answer " << dc::remotecall_fetch([] { return 7; }, dc::workers().front())
              << std::endl;
    return 0;
}

int run(const std::string& mode, int argc, char** argv) {
    if (mode == "killed") return killed_mode();
    if (mode == "walltime") return walltime_mode(argc, argv);
    if (mode == "adapt") return adapt_mode(argc, argv);
    if (mode == "where") { // where each worker runs, then a call from each worker to the next
        std::cout << "nprocs " << dc::nprocs() << std::endl;
        const auto ws = dc::workers();
        for (std::size_t i = 0; i < ws.size(); ++i) {
            std::cout << dc::remotecall_fetch(where, ws[i]) << std::endl;
            const int next = ws[(i + 1) % ws.size()];
            const int answer = dc::remotecall_fetch(
                [](int other) { return dc::remotecall_fetch([] { return dc::myid(); }, other); },
                ws[i], next);
            std::cout << "worker " << ws[i] << " reached worker " << answer << std::endl;
        }
        return 0;
    }
    if (mode == "scale") { // everywhere, a pmap over every worker, a ring of worker-to-worker calls
        const auto ws = dc::workers();
        dc::everywhere([] {});
        std::vector<long> xs(ws.size() * 4);
        std::iota(xs.begin(), xs.end(), 1L);
        const auto doubled = dc::pmap([](long x) { return 2 * x; }, xs);
        const long sum = std::accumulate(doubled.begin(), doubled.end(), 0L);
        std::vector<dc::future<int>> ring; // every worker calls the next, all at once
        for (std::size_t i = 0; i < ws.size(); ++i) {
            ring.push_back(dc::remotecall(
                [](int other) { return dc::remotecall_fetch([] { return dc::myid(); }, other); },
                ws[i], ws[(i + 1) % ws.size()]));
        }
        std::size_t reached = 0;
        for (std::size_t i = 0; i < ws.size(); ++i)
            reached += ring[i].fetch() == ws[(i + 1) % ws.size()] ? 1 : 0;
        std::vector<dc::future<std::string>> places;
        for (int w : ws)
            places.push_back(dc::remotecall(place, w));
        std::set<std::string> distinct;
        for (auto& p : places)
            distinct.insert(p.fetch());
        std::cout << "workers " << ws.size() << " everywhere done pmap sum " << sum << " ring "
                  << reached << " places " << distinct.size() << std::endl;
        return 0;
    }
    if (mode == "addprocs_ssh") { // dc::addprocs(manager) from code: HOST PORT IDENTITY KNOWN
        dc::managers::ssh_settings s;
        dc::managers::ssh_host host;
        host.host = argv[2];
        host.user = "root";
        host.port = std::atoi(argv[3]);
        host.count = 2;
        s.hosts.push_back(host);
        s.identity = argv[4];
        s.known_hosts = argv[5];
        std::cout << "before: " << ssh_libraries() << std::endl;
        dc::managers::ssh_manager manager(s);
        auto ids = dc::addprocs(manager);
        std::cout << "after: " << ssh_libraries() << std::endl;
        std::cout << "added " << ids.size() << " nprocs " << dc::nprocs() << std::endl;
        for (int id : ids)
            std::cout << dc::remotecall_fetch(where, id) << std::endl;
        dc::rmprocs(ids);
        std::cout << "after rmprocs nprocs " << dc::nprocs() << std::endl;
        return 0;
    }
    if (mode == "libraries") { // what each process maps of the ssh manager's libraries
        std::cout << ssh_libraries() << std::endl;
        for (int id : dc::workers())
            std::cout << dc::remotecall_fetch(ssh_libraries, id) << std::endl;
        return 0;
    }
    if (mode == "report") {
        std::cout << "nprocs " << dc::nprocs() << " flavour " << build_flavour << std::endl;
        for (int id : dc::workers())
            std::cout << dc::remotecall_fetch(report, id) << std::endl;
        return 0;
    }
    if (mode == "print") {
        dc::everywhere([] { std::cout << "line from " << dc::myid() << std::endl; });
        dc::remote_do([] { std::cerr << "error line from " << dc::myid() << std::endl; }, 2);
        return 0;
    }
    if (mode == "vanish") { // a long call to the last worker, whose host the test cuts off
        const int w = dc::workers().back();
        std::cout << "calling " << w << std::endl;
        const auto start = std::chrono::steady_clock::now();
        try {
            dc::remotecall_fetch([] { std::this_thread::sleep_for(std::chrono::seconds(60)); }, w);
            std::cout << "returned" << std::endl;
        } catch (const dc::process_exited& e) {
            std::cout << "lost: " << e.what() << std::endl;
        }
        std::cout << "call ended after "
                  << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
                  << " s" << std::endl;
        std::cout << "others answer " << dc::remotecall_fetch([] { return 7; }, dc::workers()[0])
                  << std::endl;
        return 0;
    }
    if (mode == "vanish_pmap") { // a pmap with retries while the test cuts a host off
        std::vector<long> items(400);
        std::iota(items.begin(), items.end(), 1L);
        dc::pmap_options o;
        o.batch_size = 1;
        o.retry_delays = {0.0, 0.5, 1.0};
        std::cout << "pmap started over " << dc::nworkers() << " workers" << std::endl;
        const auto start = std::chrono::steady_clock::now();
        const auto out = dc::pmap(
            [](long x) {
                std::this_thread::sleep_for(std::chrono::milliseconds(25));
                return 2 * x;
            },
            items, o);
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::cout << "pmap done " << out.size() << " sum "
                  << std::accumulate(out.begin(), out.end(), 0L) << " workers " << dc::nworkers()
                  << " seconds " << s << std::endl;
        return 0;
    }
    if (mode == "late") { // run with --min-workers: the rest join while a pmap runs
        std::cout << "at start " << dc::nworkers() << std::endl;
        std::vector<int> items(argc > 4 ? std::atoi(argv[4]) : 60, 0);
        const auto who = dc::pmap(
            [](int) {
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
                return dc::myid();
            },
            items);
        const std::set<int> ran(who.begin(), who.end());
        const int want = argc > 2 ? std::atoi(argv[2]) : 0;
        const bool joined = dc::wait_for_workers(want, argc > 3 ? std::atof(argv[3]) : 20);
        std::cout << "pmap ran on " << ran.size() << " workers; " << want
                  << (joined ? " joined" : " did not join") << "; nworkers " << dc::nworkers()
                  << std::endl;
        return 0;
    }
    if (mode == "exit") return argc > 2 ? std::atoi(argv[2]) : 0;
    if (mode == "ctrl_c") { // waits on a worker's long call until Ctrl-C, then carries on
        const int w = dc::workers()[0];
        auto call = dc::remotecall(
            [] {
                dc::sleep_for(std::chrono::seconds(60));
                return 0;
            },
            w);
        std::cout << "waiting" << std::endl;
        try {
            call.fetch();
            std::cout << "not interrupted" << std::endl;
            return 1;
        } catch (const dc::interrupted_error& e) {
            std::cout << "main interrupted: " << e.what() << std::endl;
        }
        try {
            call.fetch();
        } catch (const dc::remote_exception& e) {
            std::cout << "call ended with " << e.type_name() << std::endl;
        }
        std::cout << "usable " << dc::remotecall_fetch([] { return dc::myid(); }, w) << std::endl;
        return 0;
    }
    if (mode == "uncaught") { // a remote error nobody catches
        return dc::remotecall_fetch(throws_on_worker, dc::workers()[0], 4);
    }
    if (mode == "pmap_progress") {
        dc::pmap_options o;
        o.progress = true;
        o.batch_size = 10;
        std::vector<int> xs(200, 1);
        auto out = dc::pmap([](int x) { return x + 1; }, xs, o);
        std::cout << "pmap sum " << std::accumulate(out.begin(), out.end(), 0) << std::endl;
        return 0;
    }
    if (mode == "pids") { // prints every pid, then waits to be killed
        std::cout << "master " << ::getpid() << std::endl;
        for (int id : dc::workers()) {
            std::cout << "worker "
                      << dc::remotecall_fetch([] { return static_cast<int>(::getpid()); }, id)
                      << std::endl;
        }
        std::this_thread::sleep_for(std::chrono::seconds(60));
        return 0;
    }
    std::cerr << "unknown mode " << mode << std::endl;
    return 1;
}

} // namespace

int main(int argc, char** argv) {
    g_argv.assign(argv, argv + argc);
    dc::init(argc, argv);
    std::cout << "main continues in process " << dc::myid() << std::endl;
    return run(argc > 1 ? argv[1] : "report", argc, argv);
}
