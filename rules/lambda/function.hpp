// A Lambda function as the emulator keeps it: configuration, where its code lives, and its
// resource policy. Plain values; the rules for changing them live in FunctionStore. std only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/time.hpp"

namespace iotemu::lambda {

// The two runtime families the emulator runs locally: python3.x on `python3`, nodejs* on `node`.
enum class RuntimeFamily { python, node };

// Where a function's code lives: a zip extracted under the data dir, or a user's own folder.
struct FunctionCode {
    std::filesystem::path directory;
    std::string sha256;  // CodeSha256: base64 of the SHA-256 of the zip (of the path if declared)
    std::int64_t size = 0;  // CodeSize: bytes of the zip
    bool declared = false;  // the user's folder (--function): never deleted by the emulator
};

// One statement of the function's resource policy (AddPermission).
struct PolicyStatement {
    std::string sid;
    std::string action;     // "lambda:InvokeFunction"
    std::string principal;  // "iot.amazonaws.com", an account id, an ARN or "*"
    std::optional<std::string> source_arn;
    std::optional<std::string> source_account;
    std::optional<std::string> event_source_token;
    std::optional<std::string> principal_org_id;
};

// What CreateFunction and UpdateFunctionConfiguration may set; absent members keep their value.
struct FunctionSettings {
    std::optional<std::string> runtime;
    std::optional<std::string> handler;
    std::optional<std::string> role;
    std::optional<std::string> description;
    std::optional<int> timeout;      // seconds, 1..900
    std::optional<int> memory_size;  // MB, 128..10240
    std::optional<std::map<std::string, std::string>> environment;
};

struct Function {
    std::string name;
    std::string arn;  // arn:aws:lambda:<region>:<account>:function:<name>
    std::string runtime;
    RuntimeFamily family = RuntimeFamily::python;
    std::string handler;
    std::string role;
    std::string description;
    int timeout = 3;
    int memory_size = 128;
    std::map<std::string, std::string> environment;
    FunctionCode code;
    Timestamp last_modified;
    std::string revision_id;  // a UUID, new on every change
    std::string version = "$LATEST";
    std::string state = "Active";
    std::vector<PolicyStatement> policy;
};

}  // namespace iotemu::lambda
