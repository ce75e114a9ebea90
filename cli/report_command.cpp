#include "report_command.hpp"

#include <dc/errors.hpp>
#include <dc/exit_codes.hpp>

#include <rapidjson/document.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>
#include <unordered_map>

namespace dc::cli {
namespace {

std::string text_of(const rapidjson::Value& v, const char* key) {
    return v.HasMember(key) && v[key].IsString() ? v[key].GetString() : "";
}

double number_of(const rapidjson::Value& v, const char* key) {
    return v.HasMember(key) && v[key].IsNumber() ? v[key].GetDouble() : 0.0;
}

std::uint64_t count_of(const rapidjson::Value& v, const char* key) {
    return v.HasMember(key) && v[key].IsUint64() ? v[key].GetUint64() : 0;
}

/// Reads the events of one timeline into `s` (names interned).
class timeline_reader {
public:
    explicit timeline_reader(run_summary& s) : s_(s) {}

    void add(const rapidjson::Value& e) {
        if (!e.IsObject() || !e.HasMember("ph") || !e["ph"].IsString() || !e.HasMember("pid"))
            return;
        const std::string ph = e["ph"].GetString();
        const int pid = e["pid"].IsInt() ? e["pid"].GetInt() : 0;
        const double ts = number_of(e, "ts");
        const std::string name = text_of(e, "name");
        static const rapidjson::Value no_args(rapidjson::kObjectType);
        const auto& args = e.HasMember("args") && e["args"].IsObject() ? e["args"] : no_args;
        auto& p = s_.processes[pid];
        if (ph == "M" && name == "process_name") p.name = text_of(args, "name");
        if (ph == "X") add_span(e, args, pid, ts, name);
        if (ph == "b") started_[text_of(e, "id")] = ts;
        if (ph == "e") {
            p.bytes_in += count_of(args, "bytes_in");
            s_.end_us = std::max(s_.end_us, ts);
            auto it = started_.find(text_of(e, "id"));
            if (it != started_.end()) {
                s_.waits.push_back({pid, it->second, ts - it->second});
                started_.erase(it);
            }
        }
        if (ph == "i") add_instant(ts, name, text_of(e, "cat"));
    }

private:
    void add_span(const rapidjson::Value& e, const rapidjson::Value& args, int pid, double ts,
                  const std::string& name) {
        run_summary::span sp;
        sp.pid = pid;
        sp.tid = e.HasMember("tid") && e["tid"].IsInt() ? e["tid"].GetInt() : 0;
        sp.start_us = ts;
        sp.duration_us = number_of(e, "dur");
        sp.name = intern(name);
        sp.bytes_in = count_of(args, "bytes_in");
        sp.bytes_out = count_of(args, "bytes_out");
        sp.failed = args.HasMember("failed") && args["failed"].IsBool() && args["failed"].GetBool();
        auto& p = s_.processes[pid];
        p.busy_us += sp.duration_us;
        ++p.calls;
        p.bytes_in += sp.bytes_in;
        p.bytes_out += sp.bytes_out;
        s_.end_us = std::max(s_.end_us, ts + sp.duration_us);
        s_.spans.push_back(sp);
    }

    void add_instant(double ts, const std::string& text, const std::string& category) {
        s_.instants.push_back({ts, text, category});
        s_.end_us = std::max(s_.end_us, ts);
        const std::string connected = " connected";
        if (text.rfind("worker ", 0) == 0 && text.size() > connected.size() &&
            text.compare(text.size() - connected.size(), connected.size(), connected) == 0) {
            s_.processes[std::atoi(text.c_str() + 7)].connected_us = ts;
        }
        if (text.size() > 7 && text.compare(text.size() - 7, 7, " queued") == 0) queued_at_ = ts;
        if (text.size() > 8 && text.compare(text.size() - 8, 8, " running") == 0 &&
            queued_at_ >= 0) {
            s_.queued_us += ts - queued_at_;
            queued_at_ = -1;
        }
    }

    int intern(const std::string& name) {
        auto [it, added] = index_.emplace(name, static_cast<int>(s_.names.size()));
        if (added) s_.names.push_back(name);
        return it->second;
    }

    run_summary& s_;
    std::unordered_map<std::string, int> index_;
    std::unordered_map<std::string, double> started_; ///< wait id -> when it began
    double queued_at_ = -1;
};

/// Each process's waiting time: the union of its waits (overlapping ones count once).
void add_waiting_times(run_summary& s) {
    auto waits = s.waits;
    std::sort(waits.begin(), waits.end(), [](const auto& a, const auto& b) {
        return a.pid != b.pid ? a.pid < b.pid : a.start_us < b.start_us;
    });
    int pid = 0;
    double covered_to = 0;
    for (const auto& w : waits) {
        if (w.pid != pid) {
            pid = w.pid;
            covered_to = 0;
        }
        const double from = std::max(w.start_us, covered_to), to = w.start_us + w.duration_us;
        if (to > from) s.processes[pid].waiting_us += to - from;
        covered_to = std::max(covered_to, to);
    }
}

} // namespace

run_summary read_timeline(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw config_error(path + ": cannot read the timeline (write one with dcrun --trace)");
    std::stringstream text;
    text << in.rdbuf();
    rapidjson::Document doc;
    doc.Parse(text.str().c_str());
    if (doc.HasParseError()) {
        throw config_error(path + ": not a JSON file (at byte " +
                           std::to_string(doc.GetErrorOffset()) +
                           "); give the file dcrun --trace wrote");
    }
    if (!doc.IsObject() || !doc.HasMember("traceEvents") || !doc["traceEvents"].IsArray()) {
        throw config_error(path + ": no traceEvents array: not a trace-event file");
    }
    run_summary s;
    timeline_reader reader(s);
    for (const auto& e : doc["traceEvents"].GetArray())
        reader.add(e);
    add_waiting_times(s);
    if (doc.HasMember("otherData") && doc["otherData"].IsObject()) {
        const auto& other = doc["otherData"];
        s.dropped = count_of(other, "dropped_events");
        if (other.HasMember("dropped_calls") && other["dropped_calls"].IsArray()) {
            for (const auto& d : other["dropped_calls"].GetArray()) {
                if (d.IsObject()) {
                    s.dropped_calls.push_back(
                        {text_of(d, "name"), count_of(d, "count"), number_of(d, "total_us")});
                }
            }
        }
        if (other.HasMember("lost_tails") && other["lost_tails"].IsArray()) {
            for (const auto& pid : other["lost_tails"].GetArray()) {
                if (pid.IsInt()) s.lost_tails.push_back(pid.GetInt());
            }
        }
    }
    return s;
}

int run_report(const report_options& o) {
    try {
        const auto summary = read_timeline(o.trace);
        std::ofstream out(o.output);
        out << report_page(summary, o.trace);
        out.close();
        if (!out) {
            std::cerr << "dcrun report: cannot write " << o.output << "\n";
            return exit_config_error;
        }
        std::cout << o.output << ": " << summary.spans.size() << " calls on "
                  << summary.processes.size() << " processes\n";
        return 0;
    } catch (const config_error& e) {
        std::cerr << "dcrun report: " << e.what() << "\n";
        return exit_config_error;
    }
}

} // namespace dc::cli
