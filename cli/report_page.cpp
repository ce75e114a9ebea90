// The report page: tables written here (they read without scripts) and the timeline drawn by
// the page's own script on a canvas from the spans embedded as JSON. Nothing is fetched.

#include "report_command.hpp"

#include "report_assets.hpp"

#include <dc/json_text.hpp>

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <sstream>

namespace dc::cli {
namespace {

std::string html(const std::string& text) {
    std::string out;
    for (const char ch : text) {
        switch (ch) {
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '&':
            out += "&amp;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            out += ch;
        }
    }
    return out;
}

std::string fixed(double value, int digits) {
    char text[48];
    std::snprintf(text, sizeof text, "%.*f", digits, value);
    return text;
}

std::string mib(std::uint64_t bytes) {
    return fixed(static_cast<double>(bytes) / (1024.0 * 1024.0), 2) + " MiB";
}

std::string seconds(double us) {
    return fixed(us / 1e6, 3) + " s";
}

std::string data_json(const run_summary& s) {
    std::ostringstream out;
    out << "{\"end\":" << s.end_us << ",\"names\":[";
    for (std::size_t i = 0; i < s.names.size(); ++i)
        out << (i ? "," : "") << json_text(s.names[i]);
    out << "],\"processes\":[";
    bool first = true;
    for (const auto& [pid, p] : s.processes) {
        out << (first ? "" : ",") << "[" << pid << "," << json_text(p.name) << "]";
        first = false;
    }
    out << "],\"spans\":[";
    for (std::size_t i = 0; i < s.spans.size(); ++i) {
        const auto& sp = s.spans[i];
        out << (i ? "," : "") << "[" << sp.pid << "," << sp.tid << "," << sp.start_us << ","
            << sp.duration_us << "," << sp.name << "," << (sp.failed ? 1 : 0) << "]";
    }
    out << "],\"waits\":[";
    for (std::size_t i = 0; i < s.waits.size(); ++i) {
        const auto& w = s.waits[i];
        out << (i ? "," : "") << "[" << w.pid << "," << w.start_us << "," << w.duration_us << "]";
    }
    out << "],\"instants\":[";
    for (std::size_t i = 0; i < s.instants.size(); ++i) {
        out << (i ? "," : "") << "[" << s.instants[i].at_us << "," << json_text(s.instants[i].text)
            << "," << json_text(s.instants[i].category) << "]";
    }
    out << "]}";
    return out.str();
}

void summary_table(std::ostream& out, const run_summary& s) {
    std::uint64_t moved = 0;
    std::size_t workers = 0;
    for (const auto& [pid, p] : s.processes) {
        moved += p.bytes_in + p.bytes_out;
        workers += pid == 1 ? 0 : 1;
    }
    double running = 0;
    for (const auto& [pid, p] : s.processes)
        running += pid == 1 ? 0 : s.end_us - std::max(0.0, p.connected_us);
    out << "<table id=\"summary\"><tr><th>run</th><td>" << seconds(s.end_us) << "</td></tr>"
        << "<tr><th>workers</th><td>" << workers << "</td></tr>"
        << "<tr><th>calls</th><td>" << s.spans.size() << "</td></tr>"
        << "<tr><th>bytes moved (calls' arguments and results, both ways)</th><td>" << mib(moved)
        << "</td></tr><tr><th>worker jobs in the queue / workers running</th><td>"
        << seconds(s.queued_us) << " / " << seconds(running) << " (worker-seconds)</td></tr>"
        << "<tr><th>events not kept (limit)</th><td>" << s.dropped << "</td></tr></table>\n";
}

void utilization_table(std::ostream& out, const run_summary& s) {
    out << "<table id=\"utilization\"><tr><th>process</th><th>calls</th><th>busy</th>"
           "<th>utilization</th><th>waiting for answers</th><th>bytes in</th><th>bytes out</th>"
           "<th>connected at</th></tr>\n";
    for (const auto& [pid, p] : s.processes) {
        const double from = pid == 1 ? 0 : std::max(0.0, p.connected_us);
        const double window = std::max(1.0, s.end_us - from);
        out << "<tr><td>" << html(p.name.empty() ? "process " + std::to_string(pid) : p.name)
            << "</td><td>" << p.calls << "</td><td>" << seconds(p.busy_us) << "</td><td>"
            << fixed(std::min(100.0, 100.0 * p.busy_us / window), 1) << " %</td><td>"
            << seconds(p.waiting_us) << "</td><td>" << mib(p.bytes_in) << "</td><td>"
            << mib(p.bytes_out) << "</td><td>"
            << (p.connected_us < 0 ? std::string("") : seconds(p.connected_us)) << "</td></tr>\n";
    }
    out << "</table>\n";
}

void slowest_table(std::ostream& out, const run_summary& s) {
    std::vector<std::size_t> order(s.spans.size());
    std::iota(order.begin(), order.end(), 0);
    const std::size_t shown = std::min<std::size_t>(10, order.size());
    std::partial_sort(order.begin(), order.begin() + static_cast<long>(shown), order.end(),
                      [&](std::size_t a, std::size_t b) {
                          return s.spans[a].duration_us > s.spans[b].duration_us;
                      });
    out << "<table id=\"slowest\"><tr><th>function</th><th>process</th><th>started</th>"
           "<th>took</th><th>bytes in</th><th>bytes out</th></tr>\n";
    for (std::size_t i = 0; i < shown; ++i) {
        const auto& sp = s.spans[order[i]];
        out << "<tr><td>" << html(s.names[sp.name]) << "</td><td>" << sp.pid << "</td><td>"
            << seconds(sp.start_us) << "</td><td>" << seconds(sp.duration_us) << "</td><td>"
            << sp.bytes_in << "</td><td>" << sp.bytes_out << "</td></tr>\n";
    }
    out << "</table>\n";
}

void dropped_table(std::ostream& out, const run_summary& s) {
    if (s.dropped_calls.empty()) return;
    out << "<h2>Calls past the event limit (summed)</h2>\n<table id=\"dropped\"><tr>"
           "<th>function</th><th>calls</th><th>total time</th></tr>\n";
    for (const auto& d : s.dropped_calls) {
        out << "<tr><td>" << html(d.name) << "</td><td>" << d.count << "</td><td>"
            << seconds(d.total_us) << "</td></tr>\n";
    }
    out << "</table>\n";
}

void failures_table(std::ostream& out, const run_summary& s) {
    out << "<table id=\"failures\"><tr><th>when</th><th>what</th></tr>\n";
    std::size_t rows = 0;
    for (const auto& sp : s.spans) {
        if (!sp.failed) continue;
        out << "<tr><td>" << seconds(sp.start_us) << "</td><td>" << html(s.names[sp.name])
            << " threw on process " << sp.pid << "</td></tr>\n";
        ++rows;
    }
    for (const auto& i : s.instants) {
        if (i.category != "retry" && i.text.find("terminated") == std::string::npos) continue;
        out << "<tr><td>" << seconds(i.at_us) << "</td><td>" << html(i.text) << "</td></tr>\n";
        ++rows;
    }
    for (int pid : s.lost_tails) {
        out << "<tr><td></td><td>worker " << pid
            << " ended without sending its last events</td></tr>\n";
        ++rows;
    }
    if (rows == 0) out << "<tr><td></td><td>none</td></tr>\n";
    out << "</table>\n";
}

void steps_list(std::ostream& out, const run_summary& s) {
    out << "<ol id=\"steps\">\n";
    for (const auto& i : s.instants) {
        if (i.category == "step")
            out << "<li>" << seconds(i.at_us) << " " << html(i.text) << "</li>\n";
    }
    out << "</ol>\n";
}

} // namespace

std::string report_page(const run_summary& s, const std::string& title) {
    std::ostringstream out;
    out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>dcrun "
           "report: "
        << html(title) << "</title>\n<style>" << page_style << "</style></head>\n<body>\n<h1>"
        << html(title) << "</h1>\n<h2>Summary</h2>\n";
    summary_table(out, s);
    out << "<h2>Timeline</h2>\n<p class=\"hint\">Wheel: zoom around the pointer; drag: move; "
           "double click: whole run. A row per thread of each process; calls coloured by "
           "function; grey \"waits\" rows: a process waiting for answers (darker: several "
           "at once); ticks: launch steps.</p>\n<div id=\"legend\"></div>\n"
           "<canvas id=\"timeline\" width=\"1200\" height=\"300\"></canvas>\n"
           "<div id=\"tip\"></div>\n<h2>Utilization per process</h2>\n";
    utilization_table(out, s);
    out << "<h2>Slowest calls</h2>\n";
    slowest_table(out, s);
    dropped_table(out, s);
    out << "<h2>Failures and retries</h2>\n";
    failures_table(out, s);
    out << "<h2>Launch steps</h2>\n";
    steps_list(out, s);
    out << R"(<script type="application/json" id="data">)" << data_json(s) << "</script>\n<script>"
        << page_script << "</script>\n</body></html>\n";
    return out.str();
}

} // namespace dc::cli
