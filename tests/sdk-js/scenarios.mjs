// The local Private CA driven by the AWS SDK for JavaScript v3 (@aws-sdk/client-acm-pca), an
// implementation of the acm-pca protocol independent of botocore.
//
//   node scenarios.mjs '{"endpoint": URL, "csr": PEM,
//                        "slow": {"endpoint": URL, "caArn": ARN},
//                        "failing": {"endpoint": URL, "caArn": ARN}}'
//
// `endpoint` serves a fresh local Private CA, on which the scenarios build everything through
// the API. `slow` has an issue delay and allows one DescribeCertificateAuthority a second;
// `failing` fails its next issuance. Every scenario runs even when an earlier one fails, and the
// verdict is one JSON line on stdout: {"scenarios": [{"name", "ok", "detail"}, ...]}.
// tests/local/test_sdk_js.py serves the CAs with pca.serve() and checks each verdict.

import { X509Certificate } from "node:crypto";
import * as pca from "@aws-sdk/client-acm-pca";

const {
  ACMPCAClient,
  ACMPCAServiceException,
  CreateCertificateAuthorityCommand,
  DescribeCertificateAuthorityCommand,
  GetCertificateAuthorityCsrCommand,
  GetCertificateAuthorityCertificateCommand,
  ImportCertificateAuthorityCertificateCommand,
  IssueCertificateCommand,
  GetCertificateCommand,
  ListCertificateAuthoritiesCommand,
  RevokeCertificateCommand,
  UpdateCertificateAuthorityCommand,
  paginateListCertificateAuthorities,
  waitUntilCertificateIssued,
} = pca;

const config = JSON.parse(process.argv[2]);
// The local CA's time (which a test may have moved), ticking from here: node's own clock is not
// the test's, and validity dates must be judged by the CA's.
const clockOffset = config.nowMs - Date.now();
const now = () => Date.now() + clockOffset;
const encoder = new TextEncoder();
const DAY = 86400 * 1000;

function client(endpoint) {
  return new ACMPCAClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "x", secretAccessKey: "x" },
    maxAttempts: 1,
  });
}

const main = client(config.endpoint);
const slow = client(config.slow.endpoint);
const failing = client(config.failing.endpoint);
const results = [];

async function scenario(name, body) {
  try {
    const detail = await body();
    results.push({ name, ok: true, detail: detail ?? "" });
  } catch (error) {
    results.push({ name, ok: false, detail: `${error?.name}: ${error?.message}` });
  }
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

function template(name) {
  return `arn:aws:acm-pca:::template/${name}/V1`;
}

// The error `body` throws must be an instance of `errorClass` (a modeled class) or, for errors
// outside the model, an ACMPCAServiceException named `name`.
async function expectError(body, errorClass, name = errorClass?.name) {
  try {
    await body();
  } catch (error) {
    if (errorClass) {
      check(error instanceof errorClass, `expected ${errorClass.name}, got ${error?.name}: ${error?.message}`);
    }
    check(error instanceof ACMPCAServiceException, `not an ACMPCAServiceException: ${error?.name}`);
    check(error.name === name, `expected name ${name}, got ${error.name}`);
    check(error.$fault === "client", `expected a client fault, got ${error.$fault}`);
    check(error.$metadata.httpStatusCode === 400, `expected 400, got ${error.$metadata.httpStatusCode}`);
    check(typeof error.message === "string" && error.message.length > 0, "empty message");
    return `${error.name}: ${error.message}`;
  }
  throw new Error(`expected ${name}, but the call succeeded`);
}

async function createCa(sdk, type, commonName, extra = {}) {
  const created = await sdk.send(
    new CreateCertificateAuthorityCommand({
      CertificateAuthorityType: type,
      CertificateAuthorityConfiguration: {
        KeyAlgorithm: "EC_prime256v1",
        SigningAlgorithm: "SHA256WITHECDSA",
        Subject: { CommonName: commonName },
      },
      ...extra,
    }),
  );
  return created.CertificateAuthorityArn;
}

async function issueAndGet(sdk, caArn, params) {
  const { CertificateArn } = await sdk.send(
    new IssueCertificateCommand({
      CertificateAuthorityArn: caArn,
      Csr: encoder.encode(config.csr),
      SigningAlgorithm: "SHA256WITHECDSA",
      Validity: { Value: 30, Type: "DAYS" },
      ...params,
    }),
  );
  const got = await sdk.send(
    new GetCertificateCommand({ CertificateAuthorityArn: caArn, CertificateArn }),
  );
  return { arn: CertificateArn, ...got, x509: new X509Certificate(got.Certificate) };
}

// A root CA made entirely through the API, as the service's documentation describes it.
async function makeRoot(sdk, commonName) {
  const arn = await createCa(sdk, "ROOT", commonName);
  const { Csr } = await sdk.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: arn }));
  const own = await issueAndGet(sdk, arn, {
    Csr: encoder.encode(Csr),
    TemplateArn: template("RootCACertificate"),
    Validity: { Value: 10, Type: "YEARS" },
  });
  await sdk.send(
    new ImportCertificateAuthorityCertificateCommand({
      CertificateAuthorityArn: arn,
      Certificate: encoder.encode(own.Certificate),
    }),
  );
  return { arn, certificate: own.Certificate };
}

function serialOf(certificateArn) {
  return certificateArn.split("/").pop();
}

let root;
let leaf;

await scenario("create_root_ca_lifecycle", async () => {
  const arn = await createCa(main, "ROOT", "Parity Root");
  const pending = await main.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: arn }));
  check(pending.CertificateAuthority.Status === "PENDING_CERTIFICATE", `status ${pending.CertificateAuthority.Status}`);
  const { Csr } = await main.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: arn }));
  check(Csr.includes("BEGIN CERTIFICATE REQUEST"), "no CSR");
  const own = await issueAndGet(main, arn, {
    Csr: encoder.encode(Csr),
    TemplateArn: template("RootCACertificate"),
    Validity: { Value: 10, Type: "YEARS" },
  });
  check(own.x509.ca, "the root's certificate is not a CA certificate");
  await main.send(
    new ImportCertificateAuthorityCertificateCommand({
      CertificateAuthorityArn: arn,
      Certificate: encoder.encode(own.Certificate),
    }),
  );
  const active = await main.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: arn }));
  const described = active.CertificateAuthority;
  check(described.Status === "ACTIVE", `status ${described.Status}`);
  check(described.NotAfter instanceof Date, "NotAfter is not a Date");
  const got = await main.send(new GetCertificateAuthorityCertificateCommand({ CertificateAuthorityArn: arn }));
  check(got.Certificate === own.Certificate, "GetCertificateAuthorityCertificate differs");
  root = { arn, certificate: own.Certificate };
  return arn;
});

await scenario("create_ca_idempotency", async () => {
  const token = "parity-ca-token";
  const first = await createCa(main, "ROOT", "Idempotent", { IdempotencyToken: token });
  const second = await createCa(main, "ROOT", "Idempotent", { IdempotencyToken: token });
  check(first === second, `${first} != ${second}`);
});

await scenario("issue_and_get_with_chain", async () => {
  leaf = await issueAndGet(main, root.arn, {});
  check(/\/certificate\/[0-9a-f]{32}$/.test(leaf.arn), `certificate ARN ${leaf.arn}`);
  check(leaf.CertificateChain === root.certificate, "the chain is not the root certificate");
  check(leaf.x509.verify(new X509Certificate(root.certificate).publicKey), "the leaf does not verify");
  check(leaf.x509.serialNumber.toLowerCase().replace(/^0+/, "") === serialOf(leaf.arn).replace(/^0+/, ""), "serial mismatch");
});

await scenario("waiter_certificate_issued", async () => {
  const { CertificateArn } = await main.send(
    new IssueCertificateCommand({
      CertificateAuthorityArn: root.arn,
      Csr: encoder.encode(config.csr),
      SigningAlgorithm: "SHA256WITHECDSA",
      Validity: { Value: 1, Type: "DAYS" },
    }),
  );
  const outcome = await waitUntilCertificateIssued(
    { client: main, maxWaitTime: 10, minDelay: 1 },
    { CertificateAuthorityArn: root.arn, CertificateArn },
  );
  check(outcome.state === "SUCCESS", `waiter ${outcome.state}`);
});

function days(x509) {
  return (Date.parse(x509.validTo) - Date.parse(x509.validFrom)) / DAY;
}

await scenario("validity_days", async () => {
  const { x509 } = await issueAndGet(main, root.arn, { Validity: { Value: 30, Type: "DAYS" } });
  const length = days(x509);
  check(Math.abs(length - 30 - 1 / 24) < 0.01, `${length} days (30 days plus the 60-minute backdate)`);
});

await scenario("validity_months", async () => {
  const { x509 } = await issueAndGet(main, root.arn, { Validity: { Value: 2, Type: "MONTHS" } });
  const length = days(x509);
  check(length >= 59 && length <= 63, `${length} days for 2 months`);
});

await scenario("validity_years", async () => {
  const { x509 } = await issueAndGet(main, root.arn, { Validity: { Value: 1, Type: "YEARS" } });
  const length = days(x509);
  check(length >= 365 && length <= 367, `${length} days for 1 year`);
});

function generalizedTime(date) {
  return Number(date.toISOString().replace(/[-:T]/g, "").slice(0, 14));
}

await scenario("validity_end_date", async () => {
  const end = new Date(Math.floor((now() + 40 * DAY) / 1000) * 1000);
  const { x509 } = await issueAndGet(main, root.arn, {
    Validity: { Value: generalizedTime(end), Type: "END_DATE" },
  });
  check(Date.parse(x509.validTo) === end.getTime(), `NotAfter ${x509.validTo}, expected ${end.toISOString()}`);
});

await scenario("validity_absolute_and_not_before", async () => {
  const end = Math.floor((now() + 50 * DAY) / 1000);
  const start = Math.floor((now() - 2 * DAY) / 1000);
  const { x509 } = await issueAndGet(main, root.arn, {
    Validity: { Value: end, Type: "ABSOLUTE" },
    ValidityNotBefore: { Value: start, Type: "ABSOLUTE" },
  });
  check(Date.parse(x509.validTo) === end * 1000, `NotAfter ${x509.validTo}`);
  check(Date.parse(x509.validFrom) === start * 1000, `NotBefore ${x509.validFrom}`);
});

const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
const CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

await scenario("template_end_entity_server_auth", async () => {
  const { x509 } = await issueAndGet(main, root.arn, { TemplateArn: template("EndEntityServerAuthCertificate") });
  check(!x509.ca, "an end-entity certificate is a CA");
  check(JSON.stringify(x509.keyUsage) === JSON.stringify([SERVER_AUTH]), `EKU ${x509.keyUsage}`);
});

await scenario("template_end_entity_default", async () => {
  const { x509 } = await issueAndGet(main, root.arn, {});
  check(JSON.stringify([...x509.keyUsage].sort()) === JSON.stringify([SERVER_AUTH, CLIENT_AUTH]), `EKU ${x509.keyUsage}`);
});

await scenario("template_subordinate_ca", async () => {
  const { x509 } = await issueAndGet(main, root.arn, {
    TemplateArn: template("SubordinateCACertificate_PathLen0"),
    Validity: { Value: 1, Type: "YEARS" },
  });
  check(x509.ca, "a subordinate CA certificate is not a CA");
});

await scenario("api_passthrough", async () => {
  const { x509 } = await issueAndGet(main, root.arn, {
    TemplateArn: template("BlankEndEntityCertificate_APIPassthrough"),
    ApiPassthrough: {
      Subject: { CommonName: "passthrough.example.com", Organization: "Parity" },
      Extensions: {
        SubjectAlternativeNames: [{ DnsName: "passthrough.example.com" }, { IpAddress: "10.0.0.1" }],
        KeyUsage: { DigitalSignature: true },
        ExtendedKeyUsage: [{ ExtendedKeyUsageType: "CLIENT_AUTH" }],
      },
    },
  });
  check(x509.subject.includes("CN=passthrough.example.com"), `subject ${x509.subject}`);
  check(x509.subject.includes("O=Parity"), `subject ${x509.subject}`);
  check(x509.subjectAltName.includes("DNS:passthrough.example.com"), `SAN ${x509.subjectAltName}`);
  check(x509.subjectAltName.includes("IP Address:10.0.0.1"), `SAN ${x509.subjectAltName}`);
  check(JSON.stringify(x509.keyUsage) === JSON.stringify([CLIENT_AUTH]), `EKU ${x509.keyUsage}`);
});

await scenario("issue_idempotency", async () => {
  const params = {
    CertificateAuthorityArn: root.arn,
    Csr: encoder.encode(config.csr),
    SigningAlgorithm: "SHA256WITHECDSA",
    Validity: { Value: 7, Type: "DAYS" },
    IdempotencyToken: "parity-issue-token",
  };
  const first = await main.send(new IssueCertificateCommand(params));
  const second = await main.send(new IssueCertificateCommand(params));
  check(first.CertificateArn === second.CertificateArn, `${first.CertificateArn} != ${second.CertificateArn}`);
});

await scenario("list_pages_with_next_token", async () => {
  const first = await main.send(new ListCertificateAuthoritiesCommand({ MaxResults: 1 }));
  check(first.CertificateAuthorities.length === 1, `${first.CertificateAuthorities.length} on the first page`);
  check(typeof first.NextToken === "string", "no NextToken with more CAs to come");
  const arns = [];
  for await (const page of paginateListCertificateAuthorities({ client: main, pageSize: 1 }, {})) {
    arns.push(...page.CertificateAuthorities.map((ca) => ca.Arn));
  }
  const all = await main.send(new ListCertificateAuthoritiesCommand({}));
  check(all.NextToken === undefined, "a NextToken on the only page");
  check(JSON.stringify(arns) === JSON.stringify(all.CertificateAuthorities.map((ca) => ca.Arn)), "pages differ from the full list");
  check(arns.length >= 2 && new Set(arns).size === arns.length, `${arns.length} CAs, repeated or too few`);
  const other = await main.send(new ListCertificateAuthoritiesCommand({ ResourceOwner: "OTHER_ACCOUNTS" }));
  check(other.CertificateAuthorities.length === 0, "OTHER_ACCOUNTS lists the account's own CAs");
  return `${arns.length} CAs`;
});

await scenario("revoke", async () => {
  const { arn } = await issueAndGet(main, root.arn, {});
  await main.send(
    new RevokeCertificateCommand({
      CertificateAuthorityArn: root.arn,
      CertificateSerial: serialOf(arn),
      RevocationReason: "KEY_COMPROMISE",
    }),
  );
  return expectError(
    () =>
      main.send(
        new RevokeCertificateCommand({
          CertificateAuthorityArn: root.arn,
          CertificateSerial: serialOf(arn),
          RevocationReason: "KEY_COMPROMISE",
        }),
      ),
    pca.RequestAlreadyProcessedException,
  );
});

// Each modeled error the local Private CA answers, as its SDK exception class.

const MISSING_CA = "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/12345678-1234-1234-1234-123456789012";

await scenario("error_resource_not_found", () =>
  expectError(
    () => main.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: MISSING_CA })),
    pca.ResourceNotFoundException,
  ),
);

await scenario("error_invalid_arn", () =>
  expectError(
    () =>
      main.send(
        new DescribeCertificateAuthorityCommand({
          CertificateAuthorityArn: "arn:aws:acm-pca:us-east-1:123:certificate-authority/x",
        }),
      ),
    pca.InvalidArnException,
  ),
);

await scenario("error_invalid_args", () =>
  expectError(
    () => issueAndGet(main, root.arn, { SigningAlgorithm: "SHA256WITHRSA" }),
    pca.InvalidArgsException,
  ),
);

await scenario("error_malformed_csr", () =>
  expectError(() => issueAndGet(main, root.arn, { Csr: encoder.encode("not a CSR") }), pca.MalformedCSRException),
);

await scenario("error_invalid_state", async () => {
  const pending = await createCa(main, "ROOT", "Pending");
  return expectError(() => issueAndGet(main, pending, {}), pca.InvalidStateException);
});

await scenario("error_invalid_request", () =>
  expectError(
    () =>
      main.send(
        new RevokeCertificateCommand({
          CertificateAuthorityArn: root.arn,
          CertificateSerial: new X509Certificate(root.certificate).serialNumber,
          RevocationReason: "SUPERSEDED",
        }),
      ),
    pca.InvalidRequestException,
  ),
);

await scenario("error_malformed_certificate", () =>
  expectError(
    () =>
      main.send(
        new ImportCertificateAuthorityCertificateCommand({
          CertificateAuthorityArn: root.arn,
          Certificate: encoder.encode("not a certificate"),
        }),
      ),
    pca.MalformedCertificateException,
  ),
);

await scenario("error_certificate_mismatch", async () => {
  const other = await createCa(main, "ROOT", "Mismatch");
  return expectError(
    () =>
      main.send(
        new ImportCertificateAuthorityCertificateCommand({
          CertificateAuthorityArn: other,
          Certificate: encoder.encode(root.certificate),
        }),
      ),
    pca.CertificateMismatchException,
  );
});

await scenario("error_invalid_next_token", () =>
  expectError(() => main.send(new ListCertificateAuthoritiesCommand({ NextToken: "bogus" })), pca.InvalidNextTokenException),
);

await scenario("error_invalid_state_disabled_ca", async () => {
  const disabled = await makeRoot(main, "Disabled");
  await main.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: disabled.arn, Status: "DISABLED" }));
  const described = await main.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: disabled.arn }));
  check(described.CertificateAuthority.Status === "DISABLED", `status ${described.CertificateAuthority.Status}`);
  return expectError(() => issueAndGet(main, disabled.arn, {}), pca.InvalidStateException);
});

// Errors outside the acm-pca model: the SDK's generic class, named by the code.

await scenario("error_validation_model", () =>
  expectError(() => main.send(new ListCertificateAuthoritiesCommand({ MaxResults: 0 })), null, "ValidationException"),
);

await scenario("error_validation_range_check", () =>
  expectError(
    () => issueAndGet(main, root.arn, { Validity: { Value: 20, Type: "YEARS" } }),
    null,
    "ValidationException",
  ),
);

// Two more CAs, made by the Python side: `slow` answers GetCertificate with
// RequestInProgressException for a while after an issue and allows one
// DescribeCertificateAuthority a second; `failing` fails its next issuance.

await scenario("error_request_in_progress", async () => {
  const { CertificateArn } = await slow.send(
    new IssueCertificateCommand({
      CertificateAuthorityArn: config.slow.caArn,
      Csr: encoder.encode(config.csr),
      SigningAlgorithm: "SHA256WITHECDSA",
      Validity: { Value: 1, Type: "DAYS" },
    }),
  );
  return expectError(
    () => slow.send(new GetCertificateCommand({ CertificateAuthorityArn: config.slow.caArn, CertificateArn })),
    pca.RequestInProgressException,
  );
});

await scenario("error_request_failed", () =>
  expectError(() => issueAndGet(failing, config.failing.caArn, {}), pca.RequestFailedException),
);

await scenario("throttling", async () => {
  const describe = () =>
    slow.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: config.slow.caArn }));
  await describe();
  const detail = await expectError(describe, null, "ThrottlingException");
  check(detail.endsWith("Rate exceeded"), detail);
  return detail;
});

main.destroy();
slow.destroy();
failing.destroy();
process.stdout.write(JSON.stringify({ scenarios: results }) + "\n");
