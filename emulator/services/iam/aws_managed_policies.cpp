// The table of AWS managed policies. Their documents list the actions AWS's own documents grant
// for onboarding work; they are served by GetPolicy/GetPolicyVersion and never evaluated.
#include "services/iam/aws_managed_policies.hpp"

#include <array>

namespace iotemu::services::iam {
namespace {

constexpr std::array<AwsManagedPolicy, 10> policies{{
    {"AdministratorAccess", "/", "Provides full access to AWS services and resources.",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})"},
    {"AWSIoTFullAccess", "/",
     "This policy gives full access to the AWS IoT configuration and messaging operations",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iot:*","iotjobsdata:*"],"Resource":"*"}]})"},
    {"AWSIoTConfigAccess", "/",
     "This policy gives full access to the AWS IoT configuration actions",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iot:Accept*","iot:Add*","iot:Attach*","iot:Cancel*","iot:Create*","iot:Delete*","iot:Deprecate*","iot:Describe*","iot:Detach*","iot:Get*","iot:List*","iot:Register*","iot:Reject*","iot:Remove*","iot:Replace*","iot:Set*","iot:Test*","iot:Transfer*","iot:Update*"],"Resource":"*"}]})"},
    {"AWSIoTDataAccess", "/", "This policy gives full access to the AWS IoT messaging actions",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iot:Connect","iot:Publish","iot:Subscribe","iot:Receive","iot:GetThingShadow","iot:UpdateThingShadow","iot:DeleteThingShadow","iot:ListNamedShadowsForThing"],"Resource":"*"}]})"},
    {"AWSIoTThingsRegistration", "/service-role/",
     "This policy allows users to register things at bulk using AWS IoT StartThingRegistrationTask "
     "API",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iot:AddThingToThingGroup","iot:AttachPolicy","iot:AttachPrincipalPolicy","iot:AttachThingPrincipal","iot:CreateCertificateFromCsr","iot:CreatePolicy","iot:CreateThing","iot:DescribeCertificate","iot:DescribeThing","iot:DescribeThingGroup","iot:DescribeThingType","iot:DetachPolicy","iot:DetachThingPrincipal","iot:GetPolicy","iot:ListAttachedPolicies","iot:ListPolicyPrincipals","iot:ListPrincipalPolicies","iot:ListPrincipalThings","iot:ListTargetsForPolicy","iot:ListThingGroupsForThing","iot:ListThingPrincipals","iot:RegisterCertificate","iot:RegisterThing","iot:RemoveThingFromThingGroup","iot:UpdateCertificate","iot:UpdateThing","iot:UpdateThingGroupsForThing"],"Resource":["*"]}]})"},
    {"AWSIoTLogging", "/service-role/",
     "Allows creation of Amazon CloudWatch Log groups and streaming logs to the groups",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents","logs:PutMetricFilter","logs:PutRetentionPolicy","logs:GetLogEvents","logs:DeleteLogStream"],"Resource":["*"]}]})"},
    {"AWSIoTRuleActions", "/service-role/",
     "Allow access to all AWS services supported in AWS IoT Rule Actions", R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["dynamodb:PutItem","kinesis:PutRecord","iot:Publish","s3:PutObject","sns:Publish","sqs:SendMessage*","cloudwatch:SetAlarmState","cloudwatch:PutMetricData","firehose:PutRecord","logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}})"},
    {"AWSLambdaBasicExecutionRole", "/service-role/",
     "Provides write permissions to CloudWatch Logs.",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]})"},
    {"AWSLambdaRole", "/service-role/", "Default policy for AWS Lambda service role.",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:InvokeFunction"],"Resource":["*"]}]})"},
    {"AWSLambdaExecute", "/", "Provides Put, Get access to S3 and full access to CloudWatch Logs.",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:*"],"Resource":"arn:aws:logs:*:*:*"},{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::*"}]})"},
}};

}  // namespace

std::span<const AwsManagedPolicy> aws_managed_policies() { return policies; }

}  // namespace iotemu::services::iam
