// --init FILE: a fleet declared in JSON, loaded at start before any listener accepts
// (docs/harness.md). Each entry becomes the request the aws CLI would send, dispatched through the
// API's router, so validation and errors are the API's own; a bad file stops the start with a
// message naming the entry. Parsing reads the files the entries name and does no other I/O.
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "api/message.hpp"
#include "api/router.hpp"
#include "model/account.hpp"
#include "rules/lambda/declared.hpp"
#include "rules/lambda/service.hpp"

namespace iotemu::app {

// What is wrong with an init file: "init file F: policies[1] (\"device\"): …".
class InitError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct InitCa {
    std::string entry;  // "caCertificates[0]"
    std::string certificate_pem;
    std::optional<std::string> key_pem;                   // the loader signs the verification
    std::optional<std::string> verification_certificate;  // or the one given
    std::string body_extra;  // registrationConfig / certificateMode as JSON members, may be ""
    bool set_as_active = true;
    bool allow_auto_registration = false;
};

struct InitRequest {
    std::string entry;  // "things[2] (\"lamp\")"
    api::Request request;
};

struct InitFunction {
    std::string entry;
    lambda::DeclaredFunction declared;  // code in a folder (a zip goes as a CreateFunction request)
};

struct InitPlan {
    std::vector<InitCa> ca_certificates;
    std::vector<InitRequest> requests;  // certificates, things, policies, attachments, rules …
    std::vector<InitFunction> functions;
};

// Throws InitError naming the entry. Paths in the file are relative to its folder.
InitPlan parse_init_file(const std::filesystem::path& file, const model::Account& account);
// Registers the CAs (with a verification certificate for the registration code), then sends the
// requests in order and declares the functions. Throws InitError on the first refusal.
void apply_init(const InitPlan& plan, const api::Router& router, lambda::Service& functions);

}  // namespace iotemu::app
