// Registry: the one truth about CA certificates, device certificates, things, thing types, thing
// groups, policies, provisioning templates and their attachments, with AWS IoT's rules for each
// operation (docs/aws/iot-core.md §1, §2; docs/aws/provisioning-and-services.md §2), and the one
// step that applies a provisioning plan (docs/aws/iot-core.md §4). Operations are named after the
// IoT API and throw AwsError when a call breaks a rule; a failed call changes nothing. Thread-safe:
// one lock, shared for reads, never held across key generation or any I/O. Knows no HTTP and no
// JSON.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "model/account.hpp"
#include "model/certificate.hpp"
#include "model/policy.hpp"
#include "model/provisioning_template.hpp"
#include "model/registry_events.hpp"
#include "model/thing.hpp"
#include "pki/certificate.hpp"
#include "pki/issue.hpp"
#include "policy/evaluate.hpp"
#include "provisioning/plan.hpp"
#include "registry/state.hpp"
#include "registry/store.hpp"

namespace iotemu::registry {

// Pagination: `marker` is the opaque token a previous page returned (AWS's marker/nextToken).
struct PageRequest {
    std::optional<std::string> marker;
    int page_size = 25;  // callers pass the operation's default; valid range is checked by callers
    bool ascending = true;
};

template <class T>
struct Page {
    std::vector<T> items;
    std::optional<std::string> next_marker;
};

// ---- requests -------------------------------------------------------------------------------

struct RegisterCaCertificateRequest {
    std::string ca_certificate_pem;
    std::optional<std::string> verification_certificate_pem;
    bool set_as_active = false;
    bool allow_auto_registration = false;
    model::RegistrationConfig registration_config;
    std::optional<model::CertificateMode> mode;  // absent means DEFAULT
    model::Tags tags;
};

struct UpdateCaCertificateRequest {
    std::optional<model::CaCertificateStatus> new_status;
    std::optional<model::AutoRegistrationStatus> new_auto_registration_status;
    std::optional<model::RegistrationConfig> registration_config;
    bool remove_auto_registration = false;
};

struct RegisterCertificateRequest {
    std::string certificate_pem;
    std::optional<std::string> ca_certificate_pem;
    std::optional<model::CertificateStatus> status;  // absent means INACTIVE
};

struct KeysAndCertificate {
    model::Certificate certificate;
    std::string public_key_pem;
    std::string private_key_pem;
};

// AttributePayload of the IoT model: with merge, an empty value removes an attribute.
struct AttributePayload {
    model::Attributes attributes;
    bool merge = false;
};

struct CreateThingRequest {
    std::string thing_name;
    std::optional<std::string> thing_type_name;
    std::optional<AttributePayload> attribute_payload;
    std::optional<std::string> billing_group_name;
};

struct UpdateThingRequest {
    std::optional<std::string> thing_type_name;
    bool remove_thing_type = false;
    std::optional<AttributePayload> attribute_payload;
    std::optional<std::int64_t> expected_version;
};

struct ListThingsFilter {
    std::optional<std::string> attribute_name;
    std::optional<std::string> attribute_value;
    std::optional<std::string> thing_type_name;
    bool use_prefix_attribute_value = false;
};

struct CreateThingTypeRequest {
    std::string thing_type_name;
    std::optional<std::string> description;
    std::vector<std::string> searchable_attributes;
};

struct CreateThingGroupRequest {
    std::string thing_group_name;
    std::optional<std::string> parent_group_name;
    std::optional<std::string> description;
    std::optional<AttributePayload> attribute_payload;
};

struct ListThingGroupsFilter {
    std::optional<std::string> parent_group;
    std::optional<std::string> name_prefix;
    bool recursive = true;
};

struct CreateProvisioningTemplateRequest {
    std::string template_name;
    std::optional<std::string> description;
    std::string template_body;
    bool enabled = false;
    std::string provisioning_role_arn;
    std::optional<model::ProvisioningHook> pre_provisioning_hook;
    model::Tags tags;
    model::TemplateType type = model::TemplateType::fleet_provisioning;
};

struct UpdateProvisioningTemplateRequest {
    std::optional<std::string> description;
    std::optional<bool> enabled;
    std::optional<int> default_version_id;
    std::optional<std::string> provisioning_role_arn;
    std::optional<model::ProvisioningHook> pre_provisioning_hook;
    bool remove_pre_provisioning_hook = false;
};

// One version of a template, with what the version operations answer about its template.
struct ProvisioningTemplateVersionView {
    std::string template_name;
    std::string template_arn;
    model::ProvisioningTemplateVersion version;
    bool is_default = false;
};

// CreateProvisioningClaim's answer (docs/aws/provisioning-and-services.md §1.10).
struct ProvisioningClaimCredentials {
    model::Certificate certificate;
    std::string public_key_pem;
    std::string private_key_pem;
    Timestamp expiration;
};

// What applying a provisioning plan created or used: each resource's ARN by its logical id
// (RegisterThing's resourceArns).
using ProvisionedResources = std::map<std::string, std::string>;

// What presenting a certificate chain at connect time leads to (docs/aws/iot-core.md §3.4).
enum class DeviceVerdict {
    accepted,    // a known ACTIVE certificate: go on to MQTT CONNECT
    registered,  // unknown, signed by an ACTIVE CA with auto-registration ENABLE: now
                 // PENDING_ACTIVATION; publish the registration event, drop the connection
    pending,     // already PENDING_ACTIVATION: publish the event again, drop the connection
    refused,     // anything else: register nothing, drop the connection
};

struct DeviceAuthentication {
    DeviceVerdict verdict = DeviceVerdict::refused;
    std::optional<model::Certificate> certificate;  // the certificate, unless refused
    std::string reason;                             // why it was refused, for the log
};

// Everything policy evaluation needs about a connection's principal
// (docs/aws/iot-core.md §5.1–5.2): the default versions of the policies attached to its
// certificate, compiled once per policy version and shared, and the thing named by the client id
// when that thing is attached to the certificate.
struct PrincipalPolicies {
    std::vector<std::shared_ptr<const policy::CompiledPolicy>> policies;
    std::optional<model::Thing> attached_thing;
};

// TestAuthorization's question about one authInfo (docs/aws/provisioning-and-services.md §4.2):
// an IoT action ("iot:Publish", …) on full resource ARNs.
struct AuthInfo {
    std::string action;
    std::vector<std::string> resources;
};

struct TestAuthorizationRequest {
    std::string principal;  // a certificate ARN
    std::optional<std::string> client_id;
    std::vector<AuthInfo> auth_infos;
    std::vector<std::string> policy_names_to_add;
    std::vector<std::string> policy_names_to_skip;
};

// One authInfo's answer: the decision, and the policies that allowed, denied explicitly, or said
// nothing (policy::explain).
struct AuthResult {
    policy::Decision decision = policy::Decision::implicit_deny;
    std::vector<model::Policy> allowed, explicit_deny, implicit_deny;
    std::vector<std::string> missing_context_values;
};

// A policy together with the version an operation created or read.
struct PolicyVersionView {
    model::Policy policy;
    model::PolicyVersion version;
    bool is_default = false;
};

// ---- the registry ---------------------------------------------------------------------------

class Registry {
public:
    // `aws_issuer` signs the certificates AWS itself would issue (CreateKeysAndCertificate,
    // CreateCertificateFromCsr).
    Registry(model::Account account, pki::Issuer aws_issuer,
             std::unique_ptr<Store> store = std::make_unique<MemoryStore>());

    const model::Account& account() const { return account_; }

    // Registration code (docs/aws/iot-core.md §1.1).
    std::string get_registration_code();
    void delete_registration_code();

    // CA certificates (docs/aws/iot-core.md §1).
    model::CaCertificate register_ca_certificate(const RegisterCaCertificateRequest& request);
    void update_ca_certificate(std::string_view ca_certificate_id,
                               const UpdateCaCertificateRequest& request);
    model::CaCertificate describe_ca_certificate(std::string_view ca_certificate_id) const;
    // Broker-facing lookup: no throw, nothing when the id is unknown.
    std::optional<model::CaCertificate> find_ca_certificate(
        std::string_view ca_certificate_id) const;
    Page<model::CaCertificate> list_ca_certificates(
        const PageRequest& page, const std::optional<std::string>& template_name) const;
    void delete_ca_certificate(std::string_view ca_certificate_id);

    // Device certificates (docs/aws/iot-core.md §2).
    model::Certificate register_certificate(const RegisterCertificateRequest& request);
    model::Certificate register_certificate_without_ca(
        std::string_view certificate_pem, std::optional<model::CertificateStatus> status);
    // AWS-signed certificates: INACTIVE or ACTIVE from the control plane (setAsActive),
    // PENDING_ACTIVATION from fleet provisioning's MQTT API
    // (docs/aws/provisioning-and-services.md §1.6).
    KeysAndCertificate create_keys_and_certificate(model::CertificateStatus status);
    model::Certificate create_certificate_from_csr(std::string_view csr_pem,
                                                   model::CertificateStatus status);
    model::Certificate describe_certificate(std::string_view certificate_id) const;
    // Broker-facing lookup: no throw, nothing when the id is unknown.
    std::optional<model::Certificate> find_certificate(std::string_view certificate_id) const;
    Page<model::Certificate> list_certificates(const PageRequest& page) const;
    Page<model::Certificate> list_certificates_by_ca(std::string_view ca_certificate_id,
                                                     const PageRequest& page) const;
    void update_certificate(std::string_view certificate_id, model::CertificateStatus new_status);
    void delete_certificate(std::string_view certificate_id, bool force_delete);

    // Things.
    model::Thing create_thing(const CreateThingRequest& request);
    model::Thing describe_thing(std::string_view thing_name) const;
    Page<model::Thing> list_things(const ListThingsFilter& filter, const PageRequest& page) const;
    void update_thing(std::string_view thing_name, const UpdateThingRequest& request);
    void delete_thing(std::string_view thing_name, std::optional<std::int64_t> expected_version);

    // Thing types.
    model::ThingType create_thing_type(const CreateThingTypeRequest& request);
    model::ThingType describe_thing_type(std::string_view thing_type_name) const;
    Page<model::ThingType> list_thing_types(const std::optional<std::string>& thing_type_name,
                                            const PageRequest& page) const;
    void deprecate_thing_type(std::string_view thing_type_name, bool undo_deprecate);
    void delete_thing_type(std::string_view thing_type_name);

    // Thing groups.
    model::ThingGroup create_thing_group(const CreateThingGroupRequest& request);
    model::ThingGroup describe_thing_group(std::string_view thing_group_name) const;
    Page<model::ThingGroup> list_thing_groups(const ListThingGroupsFilter& filter,
                                              const PageRequest& page) const;
    void delete_thing_group(std::string_view thing_group_name,
                            std::optional<std::int64_t> expected_version);
    void add_thing_to_thing_group(std::string_view thing_group_name, std::string_view thing_name);
    void remove_thing_from_thing_group(std::string_view thing_group_name,
                                       std::string_view thing_name);
    Page<std::string> list_things_in_thing_group(std::string_view thing_group_name, bool recursive,
                                                 const PageRequest& page) const;

    // Thing ⇄ principal attachments (principal: a certificate ARN).
    void attach_thing_principal(std::string_view thing_name, std::string_view principal);
    void detach_thing_principal(std::string_view thing_name, std::string_view principal);
    Page<std::string> list_thing_principals(std::string_view thing_name,
                                            const PageRequest& page) const;
    Page<std::string> list_principal_things(std::string_view principal,
                                            const PageRequest& page) const;

    // Policies and versions (docs/aws/iot-core.md §2.5). Documents are validated by
    // policy::parse_document.
    PolicyVersionView create_policy(std::string_view policy_name, std::string_view document);
    model::Policy get_policy(std::string_view policy_name) const;
    Page<model::Policy> list_policies(const PageRequest& page) const;
    void delete_policy(std::string_view policy_name);
    PolicyVersionView create_policy_version(std::string_view policy_name, std::string_view document,
                                            bool set_as_default);
    PolicyVersionView get_policy_version(std::string_view policy_name,
                                         std::string_view version_id) const;
    std::vector<PolicyVersionView> list_policy_versions(std::string_view policy_name) const;
    void delete_policy_version(std::string_view policy_name, std::string_view version_id);
    void set_default_policy_version(std::string_view policy_name, std::string_view version_id);

    // Policy ⇄ target attachments (target: a certificate ARN or thing group ARN). The deprecated
    // *PrincipalPolicy operations use the same attachments.
    void attach_policy(std::string_view policy_name, std::string_view target);
    void detach_policy(std::string_view policy_name, std::string_view target);
    Page<model::Policy> list_attached_policies(std::string_view target,
                                               const PageRequest& page) const;
    Page<std::string> list_targets_for_policy(std::string_view policy_name,
                                              const PageRequest& page) const;
    // The deprecated ListPolicyPrincipals: the certificates among the policy's targets.
    Page<std::string> list_policy_principals(std::string_view policy_name,
                                             const PageRequest& page) const;

    // Policy debugging (docs/aws/provisioning-and-services.md §4). GetEffectivePolicies: the
    // policies attached to `principal` (a certificate or thing group ARN; a group's ancestors
    // count) and, with `thing_name`, to every group the thing is in and their ancestors, each
    // once. At least one of the two is required.
    std::vector<model::Policy> get_effective_policies(
        const std::optional<std::string>& principal,
        const std::optional<std::string>& thing_name) const;
    // TestAuthorization: each authInfo decided by the policy engine over the policies the broker
    // would use for this certificate and client id (principal_policies), less those to skip, plus
    // those to add, with the certificate's, client id's and attached thing's policy variables.
    std::vector<AuthResult> test_authorization(const TestAuthorizationRequest& request) const;

    // Provisioning templates (docs/aws/provisioning-and-services.md §2). Bodies are checked by
    // provisioning::Template::parse (InvalidRequestException naming the problem).
    model::ProvisioningTemplate create_provisioning_template(
        const CreateProvisioningTemplateRequest& request);
    model::ProvisioningTemplate describe_provisioning_template(
        std::string_view template_name) const;
    Page<model::ProvisioningTemplate> list_provisioning_templates(const PageRequest& page) const;
    void update_provisioning_template(std::string_view template_name,
                                      const UpdateProvisioningTemplateRequest& request);
    void delete_provisioning_template(std::string_view template_name);
    ProvisioningTemplateVersionView create_provisioning_template_version(
        std::string_view template_name, std::string_view template_body, bool set_as_default);
    ProvisioningTemplateVersionView describe_provisioning_template_version(
        std::string_view template_name, int version_id) const;
    Page<ProvisioningTemplateVersionView> list_provisioning_template_versions(
        std::string_view template_name, const PageRequest& page) const;
    void delete_provisioning_template_version(std::string_view template_name, int version_id);

    // Provisioning by trusted user (docs/aws/provisioning-and-services.md §1.10): a temporary
    // claim certificate for a FLEET_PROVISIONING template, valid five minutes, which connects and
    // uses that template's fleet-provisioning topics only and is not in ListCertificates.
    ProvisioningClaimCredentials create_provisioning_claim(std::string_view template_name);

    // RegisterThing of the control plane (docs/aws/provisioning-and-services.md §2): evaluates
    // `template_body` with `parameters` (AWS::IoT::Certificate::Id included, when the template
    // uses it) and provisions the plan; ResourceRegistrationFailureException when the template
    // cannot be satisfied. Returns the resources' ARNs and the certificate's PEM, if any.
    struct RegisteredThing {
        std::optional<std::string> certificate_pem;
        ProvisionedResources resource_arns;
    };
    RegisteredThing register_thing(
        std::string_view template_body,
        const std::map<std::string, std::string, std::less<>>& parameters);

    // Applies an evaluated template in one step (docs/aws/iot-core.md §4.4): the thing created or
    // updated under its OverrideSettings and added to its groups, policies created or reused,
    // the certificate's status set and the certificate attached to the thing and the policies.
    // Everything is checked first: a plan that cannot be satisfied throws AwsError and changes
    // nothing. JITP calls it at connect time; fleet provisioning's RegisterThing will too.
    ProvisionedResources provision(const provisioning::Plan& plan);

    // Event configurations (docs/aws/provisioning-and-services.md §3.1): the types named in
    // `changes` take the setting given, the others keep theirs.
    model::EventConfigurations describe_event_configurations() const;
    void update_event_configurations(const std::vector<std::pair<model::EventType, bool>>& changes);

    // Called with the registry events of one committed change, those of enabled types only
    // (docs/aws/provisioning-and-services.md §3.2), outside the lock, on the thread that made the
    // change. Set once at start-up, before any traffic.
    using EventListener = std::function<void(const std::vector<model::RegistryEvent>& events)>;
    void on_registry_events(EventListener listener);

    // ---- the broker's questions (docs/aws/iot-core.md §3.4, §5) ----

    // The connect-time decision for a TLS client chain: chain[0] is the device certificate; what
    // the device sent after it (its CA, docs/aws/iot-core.md §3.2) is not consulted, since the
    // registered CA decides, so the broker passes the device certificate alone. Empty: refused.
    // Registers an unknown certificate PENDING_ACTIVATION when its direct signer is a registered
    // ACTIVE CA with auto-registration ENABLE, and then, when that CA has a provisioning template
    // (JITP, docs/aws/iot-core.md §4.2), provisions it: the verdict stays `registered` (or
    // `pending`) and the certificate it carries is the one registered, for the registration event;
    // what JITP did or why it failed goes to the log. Never throws for bad input.
    DeviceAuthentication authenticate_device(const std::vector<pki::X509Certificate>& chain);

    // Policies of a certificate principal ("arn:…:cert/<id>") and, when `client_id` names a thing
    // attached to it, that thing and the policies of its thing groups and their ancestors
    // (docs/aws/iot-core.md §5.1). Cheap to call per packet while generation() is unchanged.
    PrincipalPolicies principal_policies(std::string_view principal_arn,
                                         std::string_view client_id) const;
    // The compiled default version of the policy named `policy_name`; null when there is none.
    std::shared_ptr<const policy::CompiledPolicy> compiled_policy(
        std::string_view policy_name) const;

    // Grows with every committed change, so callers can cache what they derived from the state.
    std::uint64_t generation() const noexcept {
        return generation_.load(std::memory_order_acquire);
    }

    // Forgets everything — CAs, certificates, things, policies, templates, event configurations
    // — in memory and in the store; the account and the server's own CA stay (the harness's
    // reset, docs/harness.md). Connections are the broker's to drop.
    void reset();

    // Called after a certificate's status changed, it was deleted or it was auto-registered
    // (PENDING_ACTIVATION), outside the lock, on the thread that made the change: the broker drops
    // connections that are no longer ACTIVE (docs/aws/iot-core.md §2.2). Set once at start-up,
    // before any traffic.
    using CertificateListener =
        std::function<void(const model::Certificate& certificate, bool deleted)>;
    void on_certificate_change(CertificateListener listener);

private:
    // The last step of every successful mutation, under the write lock: hand the state to the
    // store. Operations validate fully before they change anything, so a throw leaves no trace.
    void commit();
    // Takes the write lock, refuses a duplicate id (ResourceAlreadyExistsException), inserts and
    // commits: the end of every certificate-creating operation that needs no CA.
    void add_certificate(const model::Certificate& record);
    // Hands a certificate change captured under the write lock to the listener; call it only
    // after that lock is released, so the listener may call back into the registry.
    void notify_certificate_change(const model::Certificate& certificate, bool deleted) const;
    // Hands the events a mutation recorded (detail::EventBatch) to the listener; like
    // notify_certificate_change, only after the write lock is released.
    void publish_events(const std::vector<model::RegistryEvent>& events) const;
    // JITP for a PENDING_ACTIVATION certificate `device` presented: evaluates its CA's template
    // (if any) with the certificate's parameters and provisions the plan. Logs the outcome; never
    // throws.
    void provision_just_in_time(const model::Certificate& certificate,
                                const pki::X509Certificate& device);
    // The policies a certificate principal connecting as `client_id` is held to, by name and
    // without duplicates, and the attached thing the client id names, if any
    // (principal_policies). The caller holds the lock.
    struct Governing {
        std::vector<const model::Policy*> policies;
        std::optional<model::Thing> attached_thing;
    };
    Governing governing_policies(const std::string& principal_arn,
                                 const std::string& client_id) const;
    // The implicit policy of a temporary claim certificate for `template_name` (§1.10), compiled
    // once per template and kept in compiled_.
    std::shared_ptr<const policy::CompiledPolicy> compiled_claim_policy(
        const std::string& template_name) const;
    // The compiled default version of `policy` (from compiled_, compiling on a miss); null if the
    // document does not parse. The caller holds the lock, shared or exclusive.
    std::shared_ptr<const policy::CompiledPolicy> compiled_default_version(
        const model::Policy& policy) const;
    // Drops compiled_ entries for `policy_name`: one version, or all of them. Under the write
    // lock, so no reader re-adds a stale entry: a re-created policy restarts at version 1.
    void forget_compiled(std::string_view policy_name,
                         std::optional<std::string_view> version_id = std::nullopt);

    model::Account account_;
    pki::Issuer aws_issuer_;
    std::unique_ptr<Store> store_;
    mutable std::shared_mutex mutex_;
    State state_;
    std::atomic<std::uint64_t> generation_{0};
    CertificateListener certificate_listener_;
    EventListener event_listener_;
    // Compiled policy versions by "<policy name>/<version id>"; filled on demand.
    mutable std::mutex compiled_mutex_;
    mutable std::map<std::string, std::shared_ptr<const policy::CompiledPolicy>> compiled_;
};

}  // namespace iotemu::registry
