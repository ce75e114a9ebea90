#include "config_tree.hpp"

#include <dc/errors.hpp>

#include <toml.hpp>
#include <yaml-cpp/yaml.h>

namespace dc::cli::detail {
namespace {

std::string at(const std::string& path, int line, int column) {
    return path + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
}

config_node from_yaml(const YAML::Node& n) {
    config_node out;
    out.line = n.Mark().line + 1;
    out.column = n.Mark().column + 1;
    if (n.IsMap()) {
        out.type = config_node::kind::map;
        for (auto it = n.begin(); it != n.end(); ++it) {
            config_node::entry e{it->first.Scalar(), it->first.Mark().line + 1,
                                 it->first.Mark().column + 1, from_yaml(it->second)};
            out.entries.push_back(std::move(e));
        }
    } else if (n.IsSequence()) {
        out.type = config_node::kind::list;
        for (const auto& item : n)
            out.items.push_back(from_yaml(item));
    } else if (n.IsScalar()) {
        out.type = config_node::kind::scalar;
        out.text = n.Scalar();
        out.scalar = n.Tag() == "!" ? config_node::scalar_type::string // quoted
                                    : config_node::scalar_type::untyped;
    }
    return out;
}

void set_scalar(config_node& n, config_node::scalar_type type, std::string text) {
    n.type = config_node::kind::scalar;
    n.scalar = type;
    n.text = std::move(text);
}

config_node from_toml(const toml::value& v) {
    config_node out;
    const auto loc = v.location();
    out.line = static_cast<int>(loc.line());
    out.column = static_cast<int>(loc.column());
    using st = config_node::scalar_type;
    switch (v.type()) {
    case toml::value_t::table:
        out.type = config_node::kind::map;
        for (const auto& [key, value] : v.as_table()) {
            auto child = from_toml(value);
            out.entries.push_back({key, child.line, child.column, std::move(child)});
        }
        break;
    case toml::value_t::array:
        out.type = config_node::kind::list;
        for (const auto& item : v.as_array())
            out.items.push_back(from_toml(item));
        break;
    case toml::value_t::string:
        set_scalar(out, st::string, v.as_string().str);
        break;
    case toml::value_t::integer:
        set_scalar(out, st::integer, std::to_string(v.as_integer()));
        break;
    case toml::value_t::floating:
        set_scalar(out, st::real, std::to_string(v.as_floating()));
        break;
    case toml::value_t::boolean:
        set_scalar(out, st::boolean, v.as_boolean() ? "true" : "false");
        break;
    default:
        out.type = config_node::kind::scalar;
        out.scalar = st::string;
        out.text = toml::format(v);
    }
    return out;
}

} // namespace

config_node read_yaml(const std::string& path) {
    try {
        YAML::Node doc = YAML::LoadFile(path);
        return doc.IsNull() ? config_node{} : from_yaml(doc);
    } catch (const YAML::BadFile&) {
        throw config_error(path + ": cannot read the file (check the path and permissions)");
    } catch (const YAML::ParserException& e) {
        throw config_error(at(path, e.mark.line + 1, e.mark.column + 1) + e.msg +
                           "\n  hint: check the indentation and the ':' after each key");
    }
}

config_node read_toml(const std::string& path) {
    try {
        return from_toml(toml::parse(path));
    } catch (const toml::syntax_error& e) {
        const auto& loc = e.location();
        std::string first_line = e.what();
        first_line = first_line.substr(0, first_line.find('\n'));
        if (first_line.rfind("[error] ", 0) == 0) first_line = first_line.substr(8);
        throw config_error(at(path, static_cast<int>(loc.line()), static_cast<int>(loc.column())) +
                           first_line + "\n  hint: TOML needs key = value, strings in quotes");
    } catch (const std::runtime_error& e) {
        throw config_error(path + ": cannot read the file: " + e.what());
    }
}

} // namespace dc::cli::detail
