// The run's timeline (--trace): an example runs under dcrun --trace and the file is read back
// with a JSON parser: valid, a named track for every process, each call where it ran matched
// with its caller's wait (same request id), and the launch steps and joins present.

#include "process_helpers.hpp"

#include <rapidjson/document.h>

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

namespace {

std::string read_all(const fs::path& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

fs::path trace_path(const std::string& name) {
    return fs::temp_directory_path() / (name + "_" + std::to_string(::getpid()) + ".json");
}

} // namespace

TEST(trace, a_pmap_example_gives_a_timeline_of_every_process_with_calls_matched) {
    const auto path = trace_path("pmap_svd");
    auto r = run_command(
        {DCRUN_PATH, "-p", "2", "--trace", path.string(), std::string(EXAMPLES_DIR) + "/pmap_svd"});
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    rapidjson::Document doc;
    doc.Parse(read_all(path).c_str());
    fs::remove(path);
    ASSERT_FALSE(doc.HasParseError()) << "offset " << doc.GetErrorOffset();
    ASSERT_TRUE(doc.HasMember("traceEvents") && doc["traceEvents"].IsArray());
    std::map<int, std::string> tracks;
    std::map<std::string, int> ran;    // request id -> the process that ran the call
    std::map<std::string, int> waited; // request id -> the worker its caller waited on
    std::set<std::string> steps;
    for (const auto& e : doc["traceEvents"].GetArray()) {
        const std::string ph = e["ph"].GetString();
        const int pid = e["pid"].GetInt();
        if (ph == "M" && std::string(e["name"].GetString()) == "process_name")
            tracks[pid] = e["args"]["name"].GetString();
        if (ph == "X") {
            ran[e["args"]["req"].GetString()] = pid;
            EXPECT_NE(std::string(e["name"].GetString()).find("svdvals"), std::string::npos);
            EXPECT_GT(e["args"]["bytes_in"].GetUint64(), 0U);
        }
        if (ph == "b") waited[e["args"]["req"].GetString()] = e["args"]["worker"].GetInt();
        if (ph == "i") steps.insert(e["name"].GetString());
    }
    EXPECT_EQ(tracks[1].rfind("master on ", 0), 0U) << tracks[1];
    EXPECT_EQ(tracks[2].rfind("worker 2 on ", 0), 0U) << tracks[2];
    EXPECT_EQ(tracks[3].rfind("worker 3 on ", 0), 0U) << tracks[3];
    EXPECT_EQ(ran.size(), 10U); // pmap_svd's ten matrices, one a batch
    EXPECT_EQ(waited.size(), ran.size());
    for (const auto& [req, pid] : ran) {
        ASSERT_TRUE(waited.count(req)) << "no wait on the master for call " << req;
        EXPECT_EQ(waited[req], pid) << "call " << req;
    }
    std::set<int> where;
    for (const auto& [req, pid] : ran)
        where.insert(pid);
    EXPECT_EQ(where, (std::set<int>{2, 3})) << "each worker ran some of the calls";
    EXPECT_TRUE(steps.count("local manager: starting workers 2..3"));
    EXPECT_TRUE(steps.count("worker 2 connected") && steps.count("worker 3 connected"));
    const auto& other = doc["otherData"];
    EXPECT_TRUE(other["clock_offsets_ns"].HasMember("2") &&
                other["clock_offsets_ns"].HasMember("3"));
    EXPECT_EQ(other["lost_tails"].Size(), 0U);
}

TEST(trace, channel_operations_show_as_waits_on_the_processes_that_made_them) {
    const auto path = trace_path("channel");
    auto r = run_command({DCRUN_PATH, "-p", "3", "--trace", path.string(),
                          std::string(EXAMPLES_DIR) + "/channel_producer_consumer", "100"});
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    rapidjson::Document doc;
    doc.Parse(read_all(path).c_str());
    fs::remove(path);
    ASSERT_FALSE(doc.HasParseError());
    std::map<std::string, std::set<int>> waits; // name -> processes that waited so
    for (const auto& e : doc["traceEvents"].GetArray()) {
        if (std::string(e["ph"].GetString()) == "b")
            waits[e["name"].GetString()].insert(e["pid"].GetInt());
    }
    EXPECT_EQ(waits["channel put"], std::set<int>{2}) << "the producer";
    EXPECT_EQ(waits["channel take"], std::set<int>{3}) << "the consumer";
}

TEST(trace, a_worker_that_dies_is_named_and_the_rest_of_the_run_is_kept) {
    const auto path = trace_path("killed");
    auto r =
        run_command({DCRUN_PATH, "-p", "2", "--trace", path.string(), TEST_APP_PATH, "killed"});
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    ASSERT_NE(r.out.find("worker 2 died"), std::string::npos) << r.out;
    rapidjson::Document doc;
    doc.Parse(read_all(path).c_str());
    fs::remove(path);
    ASSERT_FALSE(doc.HasParseError());
    const auto& lost = doc["otherData"]["lost_tails"];
    ASSERT_EQ(lost.Size(), 1U);
    EXPECT_EQ(lost[0].GetInt(), 2);
    bool terminated = false, worker3_ran = false;
    for (const auto& e : doc["traceEvents"].GetArray()) {
        const std::string name = e["name"].GetString();
        terminated = terminated || name.rfind("worker 2 terminated", 0) == 0;
        worker3_ran =
            worker3_ran || (std::string(e["ph"].GetString()) == "X" && e["pid"].GetInt() == 3);
    }
    EXPECT_TRUE(terminated) << "no step for worker 2's death";
    EXPECT_TRUE(worker3_ran) << "worker 3's events were lost too";
}

TEST(trace, past_the_event_limit_events_are_counted_and_the_file_stays_valid) {
    const auto path = trace_path("limit");
    auto r = run_command(
        {DCRUN_PATH, "-p", "2", "--trace", path.string(), TEST_APP_PATH, "walltime", "200", "0"},
        {{"DC_TRACE_MAX_EVENTS", "50"}});
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    rapidjson::Document doc;
    doc.Parse(read_all(path).c_str());
    fs::remove(path);
    ASSERT_FALSE(doc.HasParseError());
    EXPECT_GT(doc["otherData"]["dropped_events"].GetUint64(), 300U); // 200 runs + 200 waits
    const auto& summed = doc["otherData"]["dropped_calls"];
    ASSERT_EQ(summed.Size(), 1U) << "the calls past the limit, summed by function";
    EXPECT_GE(summed[0]["count"].GetUint64(), 150U); // of 200: at most 50 were kept
    std::size_t kept = 0;
    for (const auto& e : doc["traceEvents"].GetArray())
        kept += std::string(e["ph"].GetString()) == "M" || std::string(e["ph"].GetString()) == "e"
                    ? 0
                    : 1;
    EXPECT_EQ(kept, 50U);
}

TEST(trace, dc_trace_names_the_file_without_dcrun) {
    const auto path = trace_path("alone");
    auto r = run_command({TEST_APP_PATH, "report"}, {{"DC_TRACE", path.string()}});
    ASSERT_EQ(r.code, 0) << r.err;
    rapidjson::Document doc;
    doc.Parse(read_all(path).c_str());
    fs::remove(path);
    ASSERT_FALSE(doc.HasParseError());
    const auto& first = doc["traceEvents"][0];
    EXPECT_EQ(std::string(first["args"]["name"].GetString()).rfind("master on ", 0), 0U);
    bool started = false;
    for (const auto& e : doc["traceEvents"].GetArray())
        started = started || std::string(e["name"].GetString()) == "trace started";
    EXPECT_TRUE(started);
}

TEST(trace, an_unwritable_file_is_a_warning_not_a_failure) {
    auto r = run_command(
        {DCRUN_PATH, "-p", "1", "--trace", "/nonexistent/dir/run.json", TEST_APP_PATH, "report"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.err.find("no timeline: cannot write /nonexistent/dir/run.json"), std::string::npos)
        << r.err;
}
