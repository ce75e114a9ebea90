#include <dc/launcher/launch_plan.hpp>

#include <dc/errors.hpp>
#include <dc/launcher/bootstrap.hpp>

#include <cstdio>
#include <cstdlib>

namespace dc::launcher {
namespace {

/// The DC_LAUNCH_* variables: only the master reads them.
constexpr const char* launch_variables[] = {
    env::procs,       env::manager,      env::manager_settings, env::exename,  env::exeflags,
    env::dir,         env::extra_env,    env::timeout,          env::topology, env::heartbeat,
    env::min_workers, env::drain_before, env::replace_workers,  env::adapt,    env::idle_timeout,
    env::trace,       env::quiet};
/// Also read by the workers, so left in place.
constexpr const char* inherited_variables[] = {env::log_level, env::bind_to};

std::string exact(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", value);
    return text;
}

template <class T, class Parse>
T number(const environment_map& vars, const char* name, Parse parse) {
    const auto& text = vars.at(name);
    try {
        std::size_t used = 0;
        T value = parse(text, &used);
        if (used == text.size()) return value;
    } catch (const std::exception&) {
    }
    throw config_error(std::string(name) + "=" + text + ": not a number (set by dcrun; do not " +
                       "set DC_LAUNCH_* variables by hand)");
}

} // namespace

environment_map encode_launch_plan(const launch_plan& p) {
    environment_map vars{{env::procs, std::to_string(p.procs)}};
    const auto put = [&](const char* name, const std::string& value) {
        if (!value.empty()) vars[name] = value;
    };
    if (p.manager != "local") put(env::manager, p.manager);
    put(env::manager_settings, p.manager_settings);
    put(env::exename, p.exename);
    if (!p.exeflags.empty()) vars[env::exeflags] = env::join_list(p.exeflags);
    put(env::dir, p.dir);
    if (!p.env.empty()) vars[env::extra_env] = env::join_list(p.env);
    if (p.timeout) vars[env::timeout] = exact(*p.timeout);
    if (p.heartbeat) vars[env::heartbeat] = exact(*p.heartbeat);
    if (p.min_workers > 0) vars[env::min_workers] = std::to_string(p.min_workers);
    if (p.drain_before) vars[env::drain_before] = exact(*p.drain_before);
    if (p.replace_workers) vars[env::replace_workers] = "1";
    put(env::adapt, p.adapt);
    put(env::trace, p.trace);
    if (p.quiet) vars[env::quiet] = "1";
    if (p.idle_timeout) vars[env::idle_timeout] = exact(*p.idle_timeout);
    put(env::topology, p.topology);
    put(env::log_level, p.log_level);
    put(env::bind_to, p.bind_to);
    return vars;
}

launch_plan decode_launch_plan(const environment_map& vars) {
    launch_plan p;
    const auto get = [&](const char* name) -> std::string {
        auto it = vars.find(name);
        return it == vars.end() ? std::string() : it->second;
    };
    if (vars.count(env::procs)) {
        p.procs = number<int>(vars, env::procs,
                              [](const std::string& t, std::size_t* n) { return std::stoi(t, n); });
    }
    if (auto m = get(env::manager); !m.empty()) p.manager = m;
    p.manager_settings = get(env::manager_settings);
    p.exename = get(env::exename);
    if (vars.count(env::exeflags)) { // written only when there are some: "" is one empty one
        const auto& text = vars.at(env::exeflags);
        p.exeflags = text.empty() ? std::vector<std::string>{""} : env::split_list(text);
    }
    p.dir = get(env::dir);
    if (vars.count(env::extra_env)) p.env = env::split_list(vars.at(env::extra_env));
    const auto seconds = [&](const char* name) -> std::optional<double> {
        if (!vars.count(name)) return std::nullopt;
        return number<double>(vars, name,
                              [](const std::string& t, std::size_t* n) { return std::stod(t, n); });
    };
    p.timeout = seconds(env::timeout);
    p.heartbeat = seconds(env::heartbeat);
    p.drain_before = seconds(env::drain_before);
    p.idle_timeout = seconds(env::idle_timeout);
    p.replace_workers = get(env::replace_workers) == "1";
    p.adapt = get(env::adapt);
    p.trace = get(env::trace);
    p.quiet = get(env::quiet) == "1";
    if (!p.adapt.empty() && !parse_adapt_range(p.adapt)) {
        throw config_error(std::string(env::adapt) + "=" + p.adapt + ": expected MIN:MAX");
    }
    if (vars.count(env::min_workers)) {
        p.min_workers =
            number<int>(vars, env::min_workers,
                        [](const std::string& t, std::size_t* n) { return std::stoi(t, n); });
    }
    p.topology = get(env::topology);
    p.log_level = get(env::log_level);
    p.bind_to = get(env::bind_to);
    return p;
}

std::optional<std::pair<int, int>> parse_adapt_range(const std::string& text) {
    const auto colon = text.find(':');
    if (colon == std::string::npos) return std::nullopt;
    const auto whole = [](const std::string& part) -> std::optional<int> {
        if (part.empty() || part.size() > 7 ||
            part.find_first_not_of("0123456789") != std::string::npos)
            return std::nullopt;
        return std::stoi(part);
    };
    const auto min = whole(text.substr(0, colon));
    const auto max = whole(text.substr(colon + 1));
    if (!min || !max || *max < 1 || *min > *max) return std::nullopt;
    return std::make_pair(*min, *max);
}

std::optional<launch_plan> take_launch_plan() {
    if (!std::getenv(env::procs)) return std::nullopt;
    environment_map vars;
    for (const char* name : launch_variables) {
        if (const char* value = std::getenv(name)) vars[name] = value;
        ::unsetenv(name);
    }
    for (const char* name : inherited_variables) {
        if (const char* value = std::getenv(name)) vars[name] = value;
    }
    return decode_launch_plan(vars);
}

} // namespace dc::launcher
