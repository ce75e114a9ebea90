// dcrun report: the page made from a real timeline is opened in headless Chromium, which runs
// its script: the timeline is drawn (the page marks how many calls it drew), no script error
// happened, the tables are there, and a screenshot is taken.

#include "process_helpers.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;

namespace {

struct scratch {
    fs::path dir = fs::temp_directory_path() / ("dc_report_" + std::to_string(::getpid()));
    scratch() { fs::create_directories(dir); }
    ~scratch() { fs::remove_all(dir); }
};

/// Headless Chromium on `page` with `what` (--dump-dom, --screenshot=FILE); its own profile.
run_result chromium(const scratch& s, const fs::path& page, const std::string& what) {
    return run_command({"/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
                        "--user-data-dir=" + (s.dir / "profile").string(),
                        "--window-size=1280,1000", "--virtual-time-budget=5000", what,
                        "file://" + page.string()},
                       {}, 90);
}

int count(const std::string& text, const std::string& part) {
    int n = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
        ++n;
    return n;
}

} // namespace

TEST(report, the_page_of_a_pmap_run_draws_its_timeline_in_chromium_without_errors) {
    scratch s;
    const auto trace = s.dir / "run.json", page = s.dir / "report.html";
    auto run = run_command({DCRUN_PATH, "-p", "2", "--trace", trace.string(),
                            std::string(EXAMPLES_DIR) + "/pmap_svd"});
    ASSERT_EQ(run.code, 0) << run.err;
    auto made = run_command({DCRUN_PATH, "report", trace.string(), "-o", page.string()});
    ASSERT_EQ(made.code, 0) << made.err;
    EXPECT_NE(made.out.find("10 calls on 3 processes"), std::string::npos) << made.out;

    auto dom = chromium(s, page, "--dump-dom");
    ASSERT_EQ(dom.code, 0) << dom.err;
    EXPECT_NE(dom.out.find("data-errors=\"0\""), std::string::npos) << "the page's script failed";
    EXPECT_NE(dom.out.find("data-drawn=\"10\""), std::string::npos) << "timeline not drawn";
    EXPECT_NE(dom.out.find("data-waits=\"10\""), std::string::npos) << "the master's waits";
    EXPECT_NE(dom.out.find("<canvas id=\"timeline\""), std::string::npos);
    for (const char* table : {"summary", "utilization", "slowest", "failures"})
        EXPECT_NE(dom.out.find(std::string("<table id=\"") + table + "\""), std::string::npos)
            << table;
    EXPECT_NE(dom.out.find("<td>worker 2 on "), std::string::npos);
    EXPECT_NE(dom.out.find("<td>worker 3 on "), std::string::npos);
    EXPECT_EQ(count(dom.out, "<td>svdvals("), 10) << "the ten slowest calls, by name";
    EXPECT_EQ(dom.out.find("http://"), std::string::npos) << "the page must fetch nothing";
    EXPECT_EQ(dom.out.find("https://"), std::string::npos) << "the page must fetch nothing";

    const auto shot = s.dir / "report.png";
    auto taken = chromium(s, page, "--screenshot=" + shot.string());
    ASSERT_EQ(taken.code, 0) << taken.err;
    ASSERT_TRUE(fs::exists(shot));
    EXPECT_GT(fs::file_size(shot), 20000U) << "an empty page";
}

TEST(report, a_missing_or_malformed_timeline_is_a_clear_error) {
    scratch s;
    auto missing = run_command({DCRUN_PATH, "report", (s.dir / "none.json").string()});
    EXPECT_EQ(missing.code, 2);
    EXPECT_NE(missing.err.find("cannot read the timeline (write one with dcrun --trace)"),
              std::string::npos)
        << missing.err;
    const auto bad = s.dir / "bad.json";
    std::ofstream(bad) << "{\"traceEvents\": [1, 2,";
    auto garbage = run_command({DCRUN_PATH, "report", bad.string()});
    EXPECT_EQ(garbage.code, 2);
    EXPECT_NE(garbage.err.find("not a JSON file (at byte"), std::string::npos) << garbage.err;
}
