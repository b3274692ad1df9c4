// ACM Private CA (botocore `acm-pca` 2017-08-22, JSON 1.1) on the API's Router: certificate
// authorities, their CSRs and certificates, and the certificates they issue. Handlers keep a
// reference to the service, which must outlive the router.
#pragma once

#include "api/router.hpp"
#include "services/acm_pca/acm_pca.hpp"

namespace iotemu::api {

void add_acm_pca_operations(Router& router, services::acm_pca::Service& pca);

}  // namespace iotemu::api
