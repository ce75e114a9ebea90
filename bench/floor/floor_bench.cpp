// floor_bench: raw POSIX-socket baselines ("the floor") that dcrun is measured against.
// Each subcommand prints one line to stdout: name<TAB>value<TAB>unit (see usage() below).
// Only the C++ standard library and POSIX are used, so the numbers reflect the kernel alone.
// Subcommands starting with "__" are the child side: the parent fork()s and execv()s
// /proc/self/exe so children are fresh processes, just like real runtime workers.

#include <arpa/inet.h>
#include <csignal>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

constexpr std::size_t msg_size = 16;
constexpr int warmup_rounds = 1000;
constexpr int repeats = 5;
constexpr std::size_t stream_chunk = 1 << 20;
constexpr int accept_timeout_ms = 10000;
constexpr auto io_timeout = std::chrono::seconds(10);
constexpr unsigned spins_per_clock_check = 1 << 16;

// Tracked so that any failure in the parent kills and reaps every child instead of leaking it.
std::vector<pid_t> g_children;

[[noreturn]] void fail(const std::string& what, int err = errno) {
    std::fprintf(stderr, "floor_bench: %s%s%s\n", what.c_str(), err ? ": " : "",
                 err ? std::strerror(err) : "");
    for (pid_t pid : g_children) {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
    }
    std::exit(1);
}

[[noreturn]] void die(const std::string& what) {
    fail(what, 0);
}

[[noreturn]] void usage() {
    std::fputs("usage: floor_bench pingpong tcp|unix blocking|busy [iterations]\n"
               "       floor_bench stream tcp|unix [megabytes]\n"
               "       floor_bench spawn N\n"
               "       floor_bench idle_rss\n",
               stderr);
    std::exit(1);
}

template <typename T> T check(T rc, const char* what) {
    if (rc < 0) fail(what);
    return rc;
}

long parse_count(const char* text, long lo, long hi) {
    long value = 0;
    const char* end = text + std::strlen(text);
    auto [ptr, ec] = std::from_chars(text, end, value);
    if (ec != std::errc() || ptr != end || value < lo || value > hi)
        die(std::string("invalid number '") + text + "' (allowed " + std::to_string(lo) + ".." +
            std::to_string(hi) + ")");
    return value;
}

bool parse_transport(const std::string& s) { // true = tcp
    if (s == "tcp") return true;
    if (s == "unix") return false;
    usage();
}

void print_result(const std::string& name, double value, int precision, const char* unit) {
    std::printf("%s\t%.*f\t%s\n", name.c_str(), precision, value, unit);
}

double seconds_since(clock_type::time_point start) {
    return std::chrono::duration<double>(clock_type::now() - start).count();
}

// ---- sockets -------------------------------------------------------------------------------

// tcp: addr is a port on 127.0.0.1 ("0" = ephemeral); unix: addr is an abstract-namespace name.
socklen_t make_addr(bool tcp, const std::string& addr, sockaddr_storage& ss) {
    ss = {};
    if (tcp) {
        auto& sa = reinterpret_cast<sockaddr_in&>(ss);
        sa.sin_family = AF_INET;
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        sa.sin_port = htons(static_cast<std::uint16_t>(parse_count(addr.c_str(), 0, 65535)));
        return sizeof sa;
    }
    auto& sa = reinterpret_cast<sockaddr_un&>(ss);
    sa.sun_family = AF_UNIX;
    if (addr.size() + 1 > sizeof sa.sun_path) die("unix socket name too long");
    // Leading NUL = abstract namespace: no filesystem entry to collide with or clean up.
    std::memcpy(sa.sun_path + 1, addr.data(), addr.size());
    return static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + addr.size());
}

void set_nodelay(int fd) {
    int one = 1; // 16-byte messages must not wait for Nagle coalescing
    check(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one), "setsockopt TCP_NODELAY");
}

void set_nonblocking(int fd) {
    int flags = check(fcntl(fd, F_GETFL), "fcntl F_GETFL");
    check(fcntl(fd, F_SETFL, flags | O_NONBLOCK), "fcntl F_SETFL");
}

void set_recv_timeout(int fd) {
    // A hung peer then surfaces as EAGAIN instead of blocking the benchmark forever.
    timeval tv{static_cast<time_t>(io_timeout.count()), 0};
    check(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), "setsockopt SO_RCVTIMEO");
}

// The same 4 MiB kernel buffers dcrun asks for, so the floor is measured like for like.
void set_big_buffers(int fd) {
    const int size = 4 << 20;
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size) != 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
}

int open_socket(bool tcp) {
    int fd = check(socket(tcp ? AF_INET : AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket");
    set_big_buffers(fd);
    return fd;
}

// Returns the listening fd; `addr` receives the port (tcp) or abstract name (unix) for children.
int make_listener(bool tcp, std::string& addr) {
    static int counter = 0; // unique per listener within this process
    addr = tcp ? "0" : "floor_bench." + std::to_string(getpid()) + "." + std::to_string(counter++);
    int fd = open_socket(tcp);
    sockaddr_storage ss;
    socklen_t len = make_addr(tcp, addr, ss);
    check(bind(fd, reinterpret_cast<sockaddr*>(&ss), len), "bind");
    check(listen(fd, SOMAXCONN), "listen");
    if (tcp) { // learn which ephemeral port the kernel picked
        check(getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len), "getsockname");
        addr = std::to_string(ntohs(reinterpret_cast<sockaddr_in&>(ss).sin_port));
    }
    return fd;
}

int connect_to(bool tcp, const std::string& addr) {
    int fd = open_socket(tcp);
    sockaddr_storage ss;
    socklen_t len = make_addr(tcp, addr, ss);
    check(connect(fd, reinterpret_cast<sockaddr*>(&ss), len), "connect");
    if (tcp) set_nodelay(fd); // no SO_RCVTIMEO here: if the parent dies the child still sees EOF
    return fd;
}

int accept_one(int listener, bool tcp) {
    pollfd pfd{listener, POLLIN, 0};
    if (check(poll(&pfd, 1, accept_timeout_ms), "poll") == 0)
        die("timed out waiting for a child to connect (did it fail to start?)");
    int fd = check(accept4(listener, nullptr, nullptr, SOCK_CLOEXEC), "accept");
    set_big_buffers(fd);
    if (tcp) set_nodelay(fd);
    set_recv_timeout(fd);
    return fd;
}

bool would_block(int err) {
    return err == EAGAIN || err == EWOULDBLOCK || err == EINTR;
}

// Spin bookkeeping: the clock is read only every 64Ki spins so it does not perturb the hot path.
void check_spin_deadline(unsigned& spins, clock_type::time_point& deadline, const char* what) {
    if (++spins % spins_per_clock_check != 0) return;
    if (deadline == clock_type::time_point{})
        deadline = clock_type::now() + io_timeout;
    else if (clock_type::now() > deadline)
        die(std::string("timed out in ") + what);
}

// Reads exactly n bytes. Returns false on a clean EOF before any byte (peer closed normally).
bool recv_exact(int fd, char* buf, std::size_t n, bool busy) {
    std::size_t got = 0;
    unsigned spins = 0;
    clock_type::time_point deadline{};
    while (got < n) {
        ssize_t r = recv(fd, buf + got, n - got, busy ? MSG_DONTWAIT : 0);
        if (r == 0 && got == 0) return false;
        if (r == 0) die("peer closed connection mid-message");
        if (r > 0)
            got += static_cast<std::size_t>(r);
        else if (!would_block(errno))
            fail("recv");
        else if (!busy && errno != EINTR)
            die("recv timed out"); // SO_RCVTIMEO expired
        else
            check_spin_deadline(spins, deadline, "recv");
    }
    return true;
}

void send_all(int fd, const char* buf, std::size_t n, bool busy) {
    std::size_t sent = 0;
    unsigned spins = 0;
    clock_type::time_point deadline{};
    while (sent < n) {
        // MSG_NOSIGNAL: a dead peer must yield EPIPE (a clear error), not kill us with SIGPIPE.
        ssize_t r = send(fd, buf + sent, n - sent, MSG_NOSIGNAL | (busy ? MSG_DONTWAIT : 0));
        if (r >= 0)
            sent += static_cast<std::size_t>(r);
        else if (!would_block(errno))
            fail("send");
        else
            check_spin_deadline(spins, deadline, "send");
    }
}

// ---- processes -----------------------------------------------------------------------------

pid_t spawn_child(const std::vector<std::string>& args, int stdin_fd = -1) {
    std::vector<char*> argv{const_cast<char*>("floor_bench")};
    for (const auto& a : args)
        argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr); // built before fork: only async-signal-safe calls may follow it
    auto pid = check(fork(), "fork");
    if (pid == 0) {
        if (stdin_fd >= 0 && dup2(stdin_fd, STDIN_FILENO) < 0) _exit(127);
        execv("/proc/self/exe", argv.data());
        _exit(127);
    }
    g_children.push_back(pid);
    return pid;
}

void reap(pid_t pid, bool expect_killed = false) {
    int status = 0;
    check(waitpid(pid, &status, 0), "waitpid");
    g_children.erase(std::remove(g_children.begin(), g_children.end(), pid), g_children.end());
    bool ok = expect_killed ? (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
                            : (WIFEXITED(status) && WEXITSTATUS(status) == 0);
    if (!ok)
        die("child " + std::to_string(pid) + " ended abnormally (status " + std::to_string(status) +
            ")");
}

const char* transport_name(bool tcp) {
    return tcp ? "tcp" : "unix";
}

// ---- benchmarks (parent side) --------------------------------------------------------------

// Spawns a child running `args` + listener address and returns the accepted connection to it.
int start_peer(bool tcp, std::vector<std::string> args, pid_t& child) {
    std::string addr;
    int listener = make_listener(tcp, addr);
    args.push_back(addr);
    child = spawn_child(args);
    int fd = accept_one(listener, tcp);
    close(listener);
    return fd;
}

void run_pingpong(bool tcp, bool busy, long iterations) {
    pid_t child = 0;
    int fd = start_peer(tcp, {"__echo", transport_name(tcp), busy ? "busy" : "blocking"}, child);
    if (busy) set_nonblocking(fd);
    char buf[msg_size] = {};
    auto round_trip = [&] {
        send_all(fd, buf, msg_size, busy);
        if (!recv_exact(fd, buf, msg_size, busy)) die("echo child closed early");
    };
    for (int i = 0; i < warmup_rounds; ++i)
        round_trip();
    auto start = clock_type::now();
    for (long i = 0; i < iterations; ++i)
        round_trip();
    double total = seconds_since(start);

    close(fd); // EOF tells the echo child to exit
    reap(child);
    print_result(std::string(transport_name(tcp)) + "_pingpong_" + (busy ? "busy" : "blocking"),
                 total / static_cast<double>(iterations) * 1e6, 2, "us");
}

void run_stream(bool tcp, long mebibytes) {
    std::size_t total = static_cast<std::size_t>(mebibytes) << 20;
    std::vector<char> buf(total); // zero-filled, so pages are faulted in before timing
    pid_t child = 0;
    int fd = start_peer(tcp, {"__stream", transport_name(tcp), std::to_string(total)}, child);
    double best = 0;
    for (int rep = 0; rep < repeats; ++rep) {
        char go = 'g';
        auto start = clock_type::now(); // includes the request, so the full one-way latency counts
        send_all(fd, &go, 1, false);
        if (!recv_exact(fd, buf.data(), total, false)) die("stream child closed early");
        best = std::max(best, static_cast<double>(mebibytes) / seconds_since(start));
    }
    close(fd);
    reap(child);
    print_result(std::string(transport_name(tcp)) + "_stream", best, 1, "MiB/s");
}

double spawn_once(long n) {
    std::string addr;
    int listener = make_listener(false, addr);
    std::vector<pid_t> pids;
    auto start = clock_type::now();
    for (long i = 0; i < n; ++i)
        pids.push_back(spawn_child({"__hello", addr}));
    for (long i = 0; i < n; ++i) {
        int fd = accept_one(listener, false);
        char byte;
        if (!recv_exact(fd, &byte, 1, false)) die("spawned child closed without saying hello");
        close(fd);
    }
    double ms = seconds_since(start) * 1e3;
    close(listener);
    for (pid_t pid : pids)
        reap(pid);
    return ms;
}

void run_spawn(long n) {
    std::array<double, repeats> samples{};
    for (double& sample : samples)
        sample = spawn_once(n);
    std::sort(samples.begin(), samples.end());
    print_result("spawn_connect_" + std::to_string(n), samples[samples.size() / 2], 2, "ms");
}

long read_vm_rss_kib(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    if (!status) die("cannot open /proc/" + std::to_string(pid) + "/status");
    std::string line;
    for (int i = 0; i < 256 && std::getline(status, line); ++i) {
        if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
    }
    die("VmRSS not found in /proc/" + std::to_string(pid) + "/status");
}

void run_idle_rss() {
    int pipe_fds[2];
    // O_CLOEXEC keeps the write end out of the child, so the child's read only ends via us.
    check(pipe2(pipe_fds, O_CLOEXEC), "pipe2");
    pid_t child = spawn_child({"__idle"}, pipe_fds[0]); // read end becomes the child's stdin
    close(pipe_fds[0]);
    std::this_thread::sleep_for(std::chrono::milliseconds(300)); // let exec + loading finish
    long kib = read_vm_rss_kib(child);
    check(kill(child, SIGKILL), "kill");
    reap(child, true);
    close(pipe_fds[1]);
    print_result("plain_process_rss", static_cast<double>(kib) / 1024.0, 1, "MiB");
}

// ---- child side ----------------------------------------------------------------------------

void child_echo(bool tcp, const std::string& addr, bool busy) {
    int fd = connect_to(tcp, addr);
    if (busy) set_nonblocking(fd);
    char buf[msg_size];
    while (recv_exact(fd, buf, msg_size, busy))
        send_all(fd, buf, msg_size, busy);
}

void child_stream(bool tcp, const std::string& addr, std::size_t total) {
    int fd = connect_to(tcp, addr);
    // A whole array, as a real transfer reads it from memory (a re-sent 1 MiB chunk would stay
    // in cache and flatter the floor).
    std::vector<char> data(total, 'x');
    char go;
    for (int rep = 0; rep < repeats && recv_exact(fd, &go, 1, false); ++rep) {
        for (std::size_t sent = 0; sent < total; sent += stream_chunk)
            send_all(fd, data.data() + sent, std::min(stream_chunk, total - sent), false);
    }
}

void child_hello(const std::string& addr) {
    int fd = connect_to(false, addr);
    char byte = 'h';
    send_all(fd, &byte, 1, false);
}

void child_idle() {
    char byte; // blocks until the parent kills us (or dies and closes the pipe)
    while (read(STDIN_FILENO, &byte, 1) < 0 && errno == EINTR) {
    }
}

int dispatch(const std::vector<std::string>& a) {
    const std::size_t n = a.size();
    if (n == 0) usage();
    const std::string& cmd = a[0];
    if (cmd == "pingpong" && (n == 3 || n == 4) && (a[2] == "busy" || a[2] == "blocking"))
        run_pingpong(parse_transport(a[1]), a[2] == "busy",
                     n == 4 ? parse_count(a[3].c_str(), 1, 100'000'000) : 20000);
    else if (cmd == "stream" && (n == 2 || n == 3))
        run_stream(parse_transport(a[1]), n == 3 ? parse_count(a[2].c_str(), 1, 4096) : 64);
    else if (cmd == "spawn" && n == 2)
        run_spawn(parse_count(a[1].c_str(), 1, 1024));
    else if (cmd == "idle_rss" && n == 1)
        run_idle_rss();
    else if (cmd == "__echo" && n == 4)
        child_echo(parse_transport(a[1]), a[3], a[2] == "busy");
    else if (cmd == "__stream" && n == 4)
        child_stream(parse_transport(a[1]), a[3],
                     static_cast<std::size_t>(parse_count(a[2].c_str(), 1, 1L << 42)));
    else if (cmd == "__hello" && n == 2)
        child_hello(a[1]);
    else if (cmd == "__idle" && n == 1)
        child_idle();
    else
        usage();
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    return dispatch(std::vector<std::string>(argv + 1, argv + argc));
}
