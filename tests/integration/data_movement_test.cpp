// Explicit data movement (sendto, getfrom, passobj, global_ref, clear_globals), wait_all,
// everywhere on some processes, and rmprocs with a wait.

#include "cluster_fixture.hpp"

#include "file_gate.hpp"

#include <chrono>
#include <map>
#include <stdexcept>
#include <string>

namespace {

using table = std::map<std::string, std::vector<double>>;

table make_table() {
    return {{"a", {1.0, 2.0}}, {"b", std::vector<double>(1000, 0.5)}};
}

double table_sum() {
    double total = 0;
    for (const auto& [key, values] : dc::global_ref<table>("t"))
        for (double v : values)
            total += v;
    return total;
}

int fail_on(int id) {
    if (dc::myid() == id) throw std::runtime_error("failing on purpose");
    return dc::myid();
}

int g_marks = 0; // per process
void mark(int by) {
    g_marks += by;
}
int marks() {
    return g_marks;
}

} // namespace

TEST_F(cluster_test, sendto_stores_a_copy_on_each_process_and_calls_read_it_with_global_ref) {
    dc::sendto(dc::procs(), "t", make_table());
    EXPECT_EQ(table_sum(), 503.0); // here too
    for (int id : ids_)
        EXPECT_EQ(dc::remotecall_fetch(table_sum, id), 503.0);
    dc::global_ref<table>("t")["a"][0] = 100; // a reference: changes stay on this process
    EXPECT_EQ(table_sum(), 602.0);
    EXPECT_EQ(dc::remotecall_fetch(table_sum, ids_[0]), 503.0);
}

TEST_F(cluster_test, getfrom_and_passobj_move_named_values_between_processes) {
    dc::sendto({ids_[0]}, "n", 41);
    dc::remote_do([] { dc::global_ref<int>("n") += 1; }, ids_[0]);
    EXPECT_EQ(dc::getfrom<int>(ids_[0], "n"), 42);
    // From worker to worker, and to the master, without the caller touching the value.
    dc::sendto({ids_[0]}, "t", make_table());
    dc::passobj(ids_[0], {ids_[1], 1}, "t");
    EXPECT_EQ(dc::remotecall_fetch(table_sum, ids_[1]), 503.0);
    EXPECT_EQ(table_sum(), 503.0);
    EXPECT_EQ(dc::getfrom<table>(ids_[1], "t"), make_table());
}

TEST_F(cluster_test, a_missing_or_mistyped_global_is_a_clear_error) {
    dc::clear_globals({1});
    try {
        dc::global_ref<int>("nothing");
        FAIL() << "expected missing_global";
    } catch (const dc::missing_global& e) {
        EXPECT_NE(std::string(e.what()).find("process 1 has no global named 'nothing'"),
                  std::string::npos)
            << e.what();
    }
    dc::set_global("s", std::string("text"));
    try {
        dc::global_ref<int>("s");
        FAIL() << "expected missing_global";
    } catch (const dc::missing_global& e) {
        EXPECT_NE(std::string(e.what()).find("is a std::__cxx11::basic_string"), std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find("not a int"), std::string::npos) << e.what();
    }
    try {
        dc::getfrom<int>(ids_[0], "nothing");
        FAIL() << "expected remote_exception";
    } catch (const dc::remote_exception& e) {
        EXPECT_EQ(e.type_name(), "dc::missing_global");
        EXPECT_NE(e.message().find("process " + std::to_string(ids_[0])), std::string::npos);
    }
    EXPECT_THROW(dc::passobj(ids_[0], {ids_[1]}, "nothing"), dc::remote_exception);
}

TEST_F(cluster_test, clear_globals_forgets_every_named_value_on_the_given_processes) {
    dc::sendto(dc::procs(), "x", 1.5);
    dc::clear_globals({ids_[0]});
    EXPECT_THROW(dc::getfrom<double>(ids_[0], "x"), dc::remote_exception);
    EXPECT_EQ(dc::getfrom<double>(ids_[1], "x"), 1.5);
    EXPECT_EQ(dc::global_ref<double>("x"), 1.5);
}

TEST_F(cluster_test, sendto_a_dead_or_unknown_process_names_it_in_a_composite_error) {
    try {
        dc::sendto({ids_[0], 999}, "y", 7);
        FAIL() << "expected an error";
    } catch (const dc::composite_exception& e) { // the others have their copy all the same
        ASSERT_EQ(e.errors().size(), 1u);
        try {
            std::rethrow_exception(e.errors()[0]);
        } catch (const dc::process_exited& x) {
            EXPECT_EQ(x.pid(), 999);
        }
    }
    EXPECT_EQ(dc::getfrom<int>(ids_[0], "y"), 7);
}

TEST_F(cluster_test, wait_all_waits_for_every_call_then_throws_one_composite_error) {
    std::vector<dc::future<int>> calls;
    for (int id : ids_)
        calls.push_back(dc::remotecall(fail_on, id, ids_[1]));
    calls.push_back(dc::remotecall(fail_on, ids_[0], ids_[0]));
    try {
        dc::wait_all(calls);
        FAIL() << "expected composite_exception";
    } catch (const dc::composite_exception& e) {
        ASSERT_EQ(e.errors().size(), 2u);
        for (const auto& error : e.errors())
            EXPECT_THROW(std::rethrow_exception(error), dc::remote_exception);
    }
    EXPECT_TRUE(calls[0].isready());
    EXPECT_EQ(calls[0].fetch(), ids_[0]);
    std::vector<dc::future<int>> fine{dc::remotecall(fail_on, ids_[0], 0)};
    dc::wait_all(fine);
    EXPECT_TRUE(fine[0].isready());
}

TEST_F(cluster_test, everywhere_on_some_processes_runs_only_there) {
    dc::everywhere({1, ids_[1]}, mark, 5);
    EXPECT_EQ(marks(), 5);
    EXPECT_EQ(dc::remotecall_fetch(marks, ids_[0]), 0);
    EXPECT_EQ(dc::remotecall_fetch(marks, ids_[1]), 5);
    g_marks = 0;
    try {
        dc::everywhere(ids_, fail_on, ids_[0]);
        FAIL() << "expected composite_exception";
    } catch (const dc::composite_exception& e) {
        EXPECT_EQ(e.errors().size(), 1u);
    }
}

TEST_F(cluster_test, rmprocs_with_a_wait_kills_a_worker_that_does_not_finish_in_time) {
    file_gate never("dc_rmprocs_never");
    dc::remote_do(wait_for_file, ids_[0], never.path()); // busy for good
    EXPECT_THROW(dc::rmprocs({ids_[0]}, -1.0), std::invalid_argument);
    const auto start = std::chrono::steady_clock::now();
    dc::rmprocs({ids_[0]}, 0.2);
    const double took =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(dc::workers(), std::vector<int>{ids_[1]});
    EXPECT_LT(took, 4.0) << "the default wait (5 s) was used instead of 0.2 s";
    dc::rmprocs({ids_[1]}, 10.0); // an idle worker exits at once
    EXPECT_EQ(dc::nprocs(), 1);
}
