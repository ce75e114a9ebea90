// Remote execution: every call form, plain functions and lambdas, argument and result types.

#include "cluster_fixture.hpp"
#include "file_gate.hpp"

#include <map>
#include <numeric>
#include <optional>
#include <string>
#include <tuple>
#include <unistd.h>

namespace {

int add(int a, int b) {
    return a + b;
}
std::string greet(const std::string& name) {
    return "hello " + name + " from " + std::to_string(dc::myid());
}
int g_value = 0; // per process
void set_value(int v) {
    g_value = v;
}
int get_value() {
    return g_value;
}

struct point {
    double x = 0, y = 0;
    std::string label;
    template <class A> void serialize(A& ar) { ar(x, y, label); }
};
point scale(const point& p, double k) {
    return {p.x * k, p.y * k, p.label + "*"};
}

} // namespace

TEST_F(cluster_test, remotecall_fetch_runs_a_plain_function_on_the_worker) {
    EXPECT_EQ(dc::remotecall_fetch(add, ids_[0], 20, 22), 42);
    EXPECT_EQ(dc::remotecall_fetch(greet, ids_[1], std::string("ada")),
              "hello ada from " + std::to_string(ids_[1]));
    EXPECT_EQ(dc::remotecall_fetch(greet, ids_[1], "string literal"),
              "hello string literal from " + std::to_string(ids_[1]));
}

TEST_F(cluster_test, capture_less_lambdas_need_no_registration) {
    EXPECT_EQ(dc::remotecall_fetch([] { return dc::myid(); }, ids_[0]), ids_[0]);
    EXPECT_EQ(dc::remotecall_fetch([](int a, double b) { return a * b; }, ids_[1], 4, 2.5), 10.0);
    EXPECT_EQ(dc::remotecall_fetch([](auto v) { return v + v; }, ids_[0], std::string("ab")),
              "abab");
}

TEST_F(cluster_test, remotecall_returns_at_once_and_fetch_brings_the_value) {
    auto f = dc::remotecall([](int n) { return std::vector<int>(n, 7); }, ids_[0], 1000);
    EXPECT_EQ(f.where(), ids_[0]);
    const auto& v = f.fetch();
    ASSERT_EQ(v.size(), 1000u);
    EXPECT_EQ(std::accumulate(v.begin(), v.end(), 0), 7000);
}

TEST_F(cluster_test, remotecall_wait_waits_for_completion) {
    auto f = dc::remotecall_wait(set_value, ids_[0], 5);
    EXPECT_TRUE(f.isready());
    EXPECT_EQ(dc::remotecall_fetch(get_value, ids_[0]), 5);
    EXPECT_EQ(dc::remotecall_fetch(get_value, ids_[1]), 0);
}

TEST_F(cluster_test, remote_do_runs_without_a_reply_in_call_order) {
    dc::remote_do(set_value, ids_[1], 99);
    // Calls on one link run in order, so this sees remote_do's effect.
    EXPECT_EQ(dc::remotecall_fetch(get_value, ids_[1]), 99);
}

TEST_F(cluster_test, spawnat_any_worker_goes_round_robin) {
    std::vector<int> where;
    for (int i = 0; i < 4; ++i)
        where.push_back(dc::spawnat(dc::any_worker, [] { return dc::myid(); }).fetch());
    std::sort(where.begin(), where.end());
    EXPECT_EQ(where, (std::vector<int>{ids_[0], ids_[0], ids_[1], ids_[1]}));
    EXPECT_EQ(dc::spawnat(ids_[1], [] { return dc::myid(); }).fetch(), ids_[1]);
}

TEST_F(cluster_test, fetchfrom_takes_the_id_first) {
    EXPECT_EQ(dc::fetchfrom(
                  ids_[0], [](int x) { return x * dc::myid(); }, 21),
              21 * ids_[0]);
}

TEST_F(cluster_test, everywhere_runs_on_every_process_master_included) {
    dc::everywhere(set_value, 11);
    EXPECT_EQ(g_value, 11);
    EXPECT_EQ(dc::remotecall_fetch(get_value, ids_[0]), 11);
    EXPECT_EQ(dc::remotecall_fetch(get_value, ids_[1]), 11);
}

TEST_F(cluster_test, everywhere_gathers_every_error) {
    try {
        dc::everywhere(
            [](int spared) {
                if (dc::myid() != spared)
                    throw std::runtime_error("no on " + std::to_string(dc::myid()));
            },
            ids_[0]);
        FAIL() << "expected composite_exception";
    } catch (const dc::composite_exception& e) {
        ASSERT_EQ(e.errors().size(), 2u); // master (1) and the second worker
        EXPECT_NE(std::string(e.what()).find("no on 1"), std::string::npos);
        const auto second = std::to_string(ids_[1]);
        EXPECT_NE(std::string(e.what()).find("On worker " + second +
                                             ": std::runtime_error: no on " + second),
                  std::string::npos);
    }
}

TEST_F(cluster_test, standard_and_user_types_cross_the_wire) {
    std::map<std::string, std::vector<int>> m{{"a", {1, 2}}, {"b", {}}};
    EXPECT_EQ(dc::remotecall_fetch(
                  [](const std::map<std::string, std::vector<int>>& x) { return x; }, ids_[0], m),
              m);
    std::optional<int> none;
    EXPECT_EQ(dc::remotecall_fetch([](std::optional<int> o) { return o; }, ids_[0], none), none);
    auto t = std::make_tuple(1, std::string("two"), 3.0);
    EXPECT_EQ(
        dc::remotecall_fetch([](std::tuple<int, std::string, double> x) { return x; }, ids_[1], t),
        t);
    auto p = dc::remotecall_fetch(scale, ids_[0], point{1, 2, "p"}, 3.0);
    EXPECT_EQ(p.x, 3);
    EXPECT_EQ(p.y, 6);
    EXPECT_EQ(p.label, "p*");
    std::vector<double> big(1 << 20);
    std::iota(big.begin(), big.end(), 0.0);
    EXPECT_EQ(dc::remotecall_fetch([](const std::vector<double>& v) { return v; }, ids_[1], big),
              big);
}

TEST_F(cluster_test, a_worker_calls_another_worker) {
    const int answer = dc::remotecall_fetch(
        [](int other) {
            return dc::remotecall_fetch([](int x) { return x + dc::myid(); }, other, 100);
        },
        ids_[0], ids_[1]);
    EXPECT_EQ(answer, 100 + ids_[1]);
    // And the reverse link, plus a call back to the master.
    EXPECT_EQ(dc::remotecall_fetch(
                  [] { return dc::remotecall_fetch([] { return dc::myid(); }, 1); }, ids_[1]),
              1);
}

TEST(single_process, calls_to_id_1_run_in_process_without_workers) {
    ASSERT_EQ(dc::nprocs(), 1);
    EXPECT_EQ(dc::workers(), std::vector<int>{1});
    EXPECT_EQ(dc::nworkers(), 1);
    EXPECT_EQ(dc::remotecall_fetch(add, 1, 1, 2), 3);
    auto f = dc::remotecall([] { return ::getpid(); }, 1);
    EXPECT_EQ(f.fetch(), ::getpid());
    EXPECT_EQ(dc::spawnat(dc::any_worker, [] { return dc::myid(); }).fetch(), 1);
}

TEST_F(cluster_test, a_call_blocked_on_another_process_does_not_stall_its_worker) {
    file_gate gate("dc_blocked_call");
    // The first worker runs a call that waits for the second, which waits for the gate.
    auto blocked =
        dc::remotecall([](std::string path,
                          int other) { return dc::remotecall_fetch(wait_for_file, other, path); },
                       ids_[0], gate.path(), ids_[1]);
    // The first worker still serves other calls, including ones that call out themselves.
    EXPECT_EQ(dc::remotecall_fetch([] { return dc::myid(); }, ids_[0]), ids_[0]);
    EXPECT_EQ(
        dc::remotecall_fetch([] { return dc::remotecall_fetch([] { return 7; }, 1); }, ids_[0]), 7);
    EXPECT_FALSE(blocked.isready());
    gate.open();
    EXPECT_TRUE(blocked.fetch());
}
