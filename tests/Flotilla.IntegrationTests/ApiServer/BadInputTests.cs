using System.Text;
using System.Text.Json.Nodes;
using Flotilla.Testing;

namespace Flotilla.IntegrationTests.ApiServer;

/// <summary>
/// Bad input over real HTTPS: every malformed, contradictory or forbidden request is answered with a Kubernetes
/// <c>Status</c> of the right code and reason whose message names the problem, and afterwards the server still
/// serves and the objects it held are unchanged.
/// </summary>
public sealed class BadInputTests(BadInputTests.ServerFixture fixture) : IClassFixture<BadInputTests.ServerFixture>
{
    private const string Ns = "bad-input";
    private const string Json = "application/json";
    private const string Yaml = "application/yaml";
    private const string Protobuf = "application/vnd.kubernetes.protobuf";
    private const string MergePatch = "application/merge-patch+json";
    private const string JsonPatch = "application/json-patch+json";
    private const string StrategicPatch = "application/strategic-merge-patch+json";
    private const string ApplyPatch = "application/apply-patch+yaml";
    private const string ConfigMaps = $"/api/v1/namespaces/{Ns}/configmaps";
    private const string Gadgets = $"/apis/fuzz.flotilla.io/v1/namespaces/{Ns}/gadgets";
    private const string Deployments = $"/apis/apps/v1/namespaces/{Ns}/deployments";

    /// <summary>One bad request and the Status it must get; <c>Message</c> is a substring of the Status message that names the problem.</summary>
    private sealed record Case(
        string Method, string Path, string? ContentType, byte[]? Body, int Code, string Reason, string Message,
        string? Accept = null, bool Authenticated = true);

    private static Case Bad(string method, string path, string? contentType, string? body, int code, string reason, string message, string? accept = null, bool authenticated = true) =>
        new(method, path, contentType, body is null ? null : Encoding.UTF8.GetBytes(body), code, reason, message, accept, authenticated);

    private static string Cm(string name, string extra = "") =>
        $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{{name}}}"{{{extra}}}},"data":{"a":"1"}}""";

    private static readonly Dictionary<string, Case> Cases = new()
    {
        // Malformed bodies.
        ["json-truncated"] = Bad("POST", ConfigMaps, Json, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}""", 400, "BadRequest", "not valid JSON"),
        ["json-trailing-garbage"] = Bad("POST", ConfigMaps, Json, Cm("x") + "}", 400, "BadRequest", "not valid JSON"),
        ["json-invalid-utf8"] = new("POST", ConfigMaps, Json, [.. "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\""u8, 0xff, 0xfe, .. "\"}}"u8], 400, "BadRequest", "not valid JSON"),
        ["json-empty"] = Bad("POST", ConfigMaps, Json, "", 400, "BadRequest", "the request body is empty"),
        ["json-array"] = Bad("POST", ConfigMaps, Json, "[1,2]", 400, "BadRequest", "must be a JSON object, not an array"),
        ["json-deep-nesting"] = Bad("POST", ConfigMaps, Json, string.Concat(Enumerable.Repeat("{\"a\":", 2000)) + "1" + new string('}', 2000), 400, "BadRequest", "depth"),
        ["yaml-deep-nesting"] = Bad("POST", ConfigMaps, Yaml, "metadata:\n  name: x\ndata: " + new string('[', 100_000) + new string(']', 100_000) + "\n", 400, "BadRequest", "deeper than"),
        ["yaml-alias-bomb"] = Bad("POST", ConfigMaps, Yaml, "metadata:\n  name: x\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n", 400, "BadRequest", "YAML aliases are not supported"),
        ["yaml-malformed"] = Bad("POST", ConfigMaps, Yaml, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x\n", 400, "BadRequest", "not valid YAML"),
        ["yaml-surrogates-reversed"] = Bad("POST", ConfigMaps, Yaml, "metadata:\n  name: x\ndata:\n  a: \"\\udfff\\ud800\"\n", 400, "BadRequest", "not valid YAML"),
        ["yaml-lone-surrogate"] = Bad("POST", ConfigMaps, Yaml, "metadata:\n  name: x\ndata:\n  a: \"\\ud800\"\n", 400, "BadRequest", "surrogate"),
        ["json-lone-surrogate"] = Bad("POST", ConfigMaps, Json, Cm("x").Replace("\"1\"", "\"\\ud800\"", StringComparison.Ordinal), 400, "BadRequest", "cannot be decoded"),
        ["merge-patch-lone-surrogate"] = Bad("PATCH", $"{ConfigMaps}/sentinel", MergePatch, "{\"data\":{\"a\":\"\\udfff\"}}", 400, "BadRequest", "cannot be decoded"),
        // A repeated key in a patch: the last one wins (and here is invalid), as in upstream's decoder.
        ["merge-patch-duplicate-key"] = Bad("PATCH", $"{ConfigMaps}/sentinel", MergePatch, """{"metadata":{"labels":{"app":"ok","app":"-bad-"}}}""", 422, "Invalid", "metadata.labels: Invalid value: \"-bad-\""),
        ["yaml-two-documents"] = Bad("POST", ConfigMaps, Yaml, "apiVersion: v1\nkind: ConfigMap\n---\napiVersion: v1\nkind: ConfigMap\n", 400, "BadRequest", "exactly one YAML document"),
        ["yaml-scalar"] = Bad("POST", ConfigMaps, Yaml, "just a string\n", 400, "BadRequest", "must be a JSON object"),
        ["protobuf-garbage"] = new("POST", ConfigMaps, Protobuf, [0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03], 400, "BadRequest", "invalid protobuf body"),
        ["protobuf-truncated"] = new("POST", ConfigMaps, Protobuf, [0x6b, 0x38, 0x73, 0x00, 0x0a, 0x7f, 0x0a, 0x02], 400, "BadRequest", "invalid protobuf body"),
        ["protobuf-empty"] = new("POST", ConfigMaps, Protobuf, [], 400, "BadRequest", "invalid protobuf body"),
        ["body-4mib"] = new("POST", ConfigMaps, Json, FourMiB(), 413, "RequestEntityTooLarge", "Request entity too large"),
        ["content-type-text"] = Bad("POST", ConfigMaps, "text/plain", Cm("x"), 415, "UnsupportedMediaType", "accepted media types include"),
        ["content-type-cbor"] = Bad("POST", ConfigMaps, "application/cbor", Cm("x"), 415, "UnsupportedMediaType", "accepted media types include"),

        // Bodies that contradict the URL.
        ["kind-contradicts-url"] = Bad("POST", ConfigMaps, Json, """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"}}""", 400, "BadRequest", "the kind in the body (Secret) does not match"),
        ["apiversion-contradicts-url"] = Bad("POST", ConfigMaps, Json, """{"apiVersion":"apps/v1","kind":"ConfigMap","metadata":{"name":"x"}}""", 400, "BadRequest", "the API version in the data (apps/v1) does not match"),
        ["cr-version-contradicts-url"] = Bad("POST", Gadgets, Json, """{"apiVersion":"fuzz.flotilla.io/v9","kind":"Gadget","metadata":{"name":"x"}}""", 400, "BadRequest", "fuzz.flotilla.io/v9"),
        ["namespace-contradicts-url"] = Bad("POST", ConfigMaps, Json, Cm("x", ""","namespace":"default" """), 400, "BadRequest", "does not match the namespace"),
        ["name-contradicts-url"] = Bad("PUT", $"{ConfigMaps}/sentinel", Json, Cm("other"), 400, "BadRequest", "does not match the name on the URL"),
        ["resourceversion-on-create"] = Bad("POST", ConfigMaps, Json, Cm("x", ""","resourceVersion":"5" """), 400, "BadRequest", "resourceVersion should not be set on objects to be created"),

        // Invalid names and values.
        ["name-uppercase"] = Bad("POST", ConfigMaps, Json, Cm("Bad_Name"), 422, "Invalid", "metadata.name: Invalid value: \"Bad_Name\""),
        ["name-missing"] = Bad("POST", ConfigMaps, Json, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{}}""", 422, "Invalid", "metadata.name: Required value"),
        ["name-too-long"] = Bad("POST", ConfigMaps, Json, Cm(new string('a', 254)), 422, "Invalid", "metadata.name: Invalid value"),
        ["namespace-name-not-label"] = Bad("POST", "/api/v1/namespaces", Json, """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"has.dots"}}""", 422, "Invalid", "metadata.name: Invalid value: \"has.dots\""),
        ["label-value-invalid"] = Bad("POST", ConfigMaps, Json, Cm("x", ""","labels":{"app":"-bad-"}"""), 422, "Invalid", "metadata.labels: Invalid value: \"-bad-\""),
        ["cr-below-minimum"] = Bad("POST", Gadgets, Json, """{"apiVersion":"fuzz.flotilla.io/v1","kind":"Gadget","metadata":{"name":"x"},"spec":{"size":-1}}""", 422, "Invalid", "spec.size"),
        ["cr-wrong-type"] = Bad("POST", Gadgets, Json, """{"apiVersion":"fuzz.flotilla.io/v1","kind":"Gadget","metadata":{"name":"x"},"spec":{"size":"big"}}""", 422, "Invalid", "spec.size"),
        ["cr-enum"] = Bad("POST", Gadgets, Json, """{"apiVersion":"fuzz.flotilla.io/v1","kind":"Gadget","metadata":{"name":"x"},"spec":{"color":"mauve"}}""", 422, "Invalid", "spec.color: Unsupported value: \"mauve\""),

        // Wrong types where the server's defaulting and validation walk (each was a 500).
        ["template-metadata-not-object"] = Bad("POST", $"/apis/apps/v1/namespaces/{Ns}/statefulsets", Json, """{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"x"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":"x","spec":{"containers":[{"name":"c","image":"i"}]}}}}""", 422, "Invalid", "spec.template.metadata.labels"),
        ["crd-version-not-object"] = Bad("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Json, """{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"zs.a.io"},"spec":{"group":"a.io","scope":"Namespaced","names":{"kind":"Z","plural":"zs"},"versions":["v1"]}}""", 422, "Invalid", "spec.versions[0]"),

        // fieldValidation.
        ["strict-duplicate-key"] = Bad("POST", $"{ConfigMaps}?fieldValidation=Strict", Json, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup"},"data":{"a":"1","a":"2"}}""", 400, "BadRequest", "duplicate field \"data.a\""),
        ["strict-duplicate-key-cr"] = Bad("POST", $"{Gadgets}?fieldValidation=Strict", Json, """{"apiVersion":"fuzz.flotilla.io/v1","kind":"Gadget","metadata":{"name":"dup","name":"dup"}}""", 400, "BadRequest", "duplicate field \"metadata.name\""),
        ["strict-unknown-field-cr"] = Bad("POST", $"{Gadgets}?fieldValidation=Strict", Json, """{"apiVersion":"fuzz.flotilla.io/v1","kind":"Gadget","metadata":{"name":"x"},"spec":{"size":1,"bogus":true}}""", 400, "BadRequest", "strict decoding error: unknown field \"spec.bogus\""),
        ["strict-unknown-field-cr-update"] = Bad("PATCH", $"{Gadgets}/sentinel?fieldValidation=Strict", MergePatch, """{"spec":{"bogus":1}}""", 400, "BadRequest", "unknown field \"spec.bogus\""),
        ["strict-unknown-field-cr-apply"] = Bad("PATCH", $"{Gadgets}/sentinel?fieldValidation=Strict&fieldManager=test", ApplyPatch, """{"apiVersion":"fuzz.flotilla.io/v1","kind":"Gadget","metadata":{"name":"sentinel"},"spec":{"bogus":1}}""", 400, "BadRequest", "unknown field \"spec.bogus\""),
        ["fieldvalidation-unknown"] = Bad("POST", $"{ConfigMaps}?fieldValidation=Bogus", Json, Cm("x"), 400, "BadRequest", "fieldValidation: Unsupported value: \"Bogus\""),

        // Namespaces.
        ["namespace-missing"] = Bad("POST", "/api/v1/namespaces/missing/configmaps", Json, Cm("x"), 404, "NotFound", "namespaces \"missing\" not found"),
        ["namespace-missing-cr"] = Bad("POST", "/apis/fuzz.flotilla.io/v1/namespaces/missing/gadgets", Json, """{"apiVersion":"fuzz.flotilla.io/v1","kind":"Gadget","metadata":{"name":"x"}}""", 404, "NotFound", "namespaces \"missing\" not found"),
        ["namespace-missing-apply"] = Bad("PATCH", "/api/v1/namespaces/missing/configmaps/x?fieldManager=test", ApplyPatch, Cm("x"), 404, "NotFound", "namespaces \"missing\" not found"),
        ["namespace-terminating"] = Bad("POST", "/api/v1/namespaces/doomed/configmaps", Json, Cm("x"), 403, "Forbidden", "unable to create new content in namespace doomed because it is being terminated"),

        // Patches.
        ["strategic-patch-on-cr"] = Bad("PATCH", $"{Gadgets}/sentinel", StrategicPatch, """{"spec":{"size":9}}""", 415, "UnsupportedMediaType", "accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"),
        ["patch-plain-json"] = Bad("PATCH", $"{ConfigMaps}/sentinel", Json, """{"data":{"a":"2"}}""", 415, "UnsupportedMediaType", "accepted media types include"),
        ["apply-without-field-manager"] = Bad("PATCH", $"{ConfigMaps}/sentinel", ApplyPatch, Cm("sentinel"), 422, "Invalid", "fieldManager: Required value: is required for apply patch"),
        ["apply-kind-contradicts-url"] = Bad("PATCH", $"{ConfigMaps}/sentinel?fieldManager=test", ApplyPatch, """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"sentinel"}}""", 400, "BadRequest", "the kind in the body (Secret) does not match"),
        ["merge-patch-malformed"] = Bad("PATCH", $"{ConfigMaps}/sentinel", MergePatch, """{"data":""", 400, "BadRequest", "merge patch: the request body is not valid JSON"),
        ["json-patch-not-array"] = Bad("PATCH", $"{ConfigMaps}/sentinel", JsonPatch, """{"op":"add"}""", 400, "BadRequest", "a json patch must be a JSON array of operations"),
        ["json-patch-unknown-op"] = Bad("PATCH", $"{ConfigMaps}/sentinel", JsonPatch, """[{"op":"frobnicate","path":"/data/a"}]""", 400, "BadRequest", "unsupported op \"frobnicate\""),
        ["json-patch-failed-test"] = Bad("PATCH", $"{ConfigMaps}/sentinel", JsonPatch, """[{"op":"test","path":"/data/key","value":"nope"}]""", 422, "Invalid", "/data/key"),
        ["json-patch-resourceversion-not-numeric"] = Bad("PATCH", $"{ConfigMaps}/sentinel", JsonPatch, """[{"op":"replace","path":"/metadata/resourceVersion","value":"abc"}]""", 400, "BadRequest", "metadata.resourceVersion: Invalid value: \"abc\""),
        ["patch-missing-object"] = Bad("PATCH", $"{ConfigMaps}/nope", MergePatch, "{}", 404, "NotFound", "configmaps \"nope\" not found"),

        // Query parameters.
        ["label-selector-syntax"] = Bad("GET", $"{ConfigMaps}?labelSelector=app%20in%20(a", null, null, 400, "BadRequest", "unable to parse requirement"),
        ["label-selector-bad-value"] = Bad("GET", $"{ConfigMaps}?labelSelector=app%3D-bad-", null, null, 400, "BadRequest", "-bad-"),
        ["field-selector-unsupported"] = Bad("GET", $"{ConfigMaps}?fieldSelector=spec.foo%3Dbar", null, null, 400, "BadRequest", "field label not supported: spec.foo"),
        ["list-resourceversion-not-numeric"] = Bad("GET", $"{ConfigMaps}?resourceVersion=abc", null, null, 400, "BadRequest", "resourceVersion: Invalid value: \"abc\""),
        ["get-resourceversion-not-numeric"] = Bad("GET", $"{ConfigMaps}/sentinel?resourceVersion=abc", null, null, 400, "BadRequest", "resourceVersion: Invalid value: \"abc\""),
        ["watch-resourceversion-not-numeric"] = Bad("GET", $"{ConfigMaps}?watch=true&resourceVersion=abc", null, null, 400, "BadRequest", "resourceVersion: Invalid value: \"abc\""),
        ["update-resourceversion-not-numeric"] = Bad("PUT", $"{ConfigMaps}/sentinel", Json, Cm("sentinel", ""","resourceVersion":"abc" """), 400, "BadRequest", "metadata.resourceVersion: Invalid value: \"abc\""),
        ["limit-not-numeric"] = Bad("GET", $"{ConfigMaps}?limit=abc", null, null, 400, "BadRequest", "limit: Invalid value: \"abc\""),
        ["continue-garbage"] = Bad("GET", $"{ConfigMaps}?limit=1&continue=not-a-token", null, null, 400, "BadRequest", "continue key is not valid"),
        ["watch-timeout-not-numeric"] = Bad("GET", $"{ConfigMaps}?watch=true&timeoutSeconds=soon", null, null, 400, "BadRequest", "timeoutSeconds: Invalid value: \"soon\""),
        ["watch-initial-events-without-match"] = Bad("GET", $"{ConfigMaps}?watch=true&sendInitialEvents=true", null, null, 400, "BadRequest", "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"),
        ["dry-run-unknown"] = Bad("POST", $"{ConfigMaps}?dryRun=Sometimes", Json, Cm("x"), 400, "BadRequest", "dryRun: Unsupported value: \"Sometimes\""),
        ["propagation-policy-unknown"] = Bad("DELETE", $"{ConfigMaps}/sentinel?propagationPolicy=Eventually", null, null, 400, "BadRequest", "propagationPolicy: Unsupported value: \"Eventually\""),
        // Malformed delete options must not delete: a precondition or dry run the server cannot read is no licence.
        ["delete-preconditions-malformed"] = Bad("DELETE", $"{ConfigMaps}/sentinel", Json, """{"kind":"DeleteOptions","apiVersion":"v1","preconditions":"rv=1"}""", 400, "BadRequest", "preconditions must be an object"),
        ["delete-precondition-not-string"] = Bad("DELETE", $"{ConfigMaps}/sentinel", Json, """{"kind":"DeleteOptions","apiVersion":"v1","preconditions":{"resourceVersion":1}}""", 400, "BadRequest", "preconditions.resourceVersion must be a string"),
        ["delete-dry-run-not-list"] = Bad("DELETE", $"{ConfigMaps}/sentinel", Json, """{"kind":"DeleteOptions","apiVersion":"v1","dryRun":"All"}""", 400, "BadRequest", "dryRun must be a list of strings"),
        ["delete-dry-run-unknown"] = Bad("DELETE", $"{ConfigMaps}/sentinel", Json, """{"kind":"DeleteOptions","apiVersion":"v1","dryRun":[5]}""", 400, "BadRequest", "dryRun: Unsupported value: 5"),
        ["delete-propagation-not-string"] = Bad("DELETE", $"{ConfigMaps}/sentinel", Json, """{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":5}""", 400, "BadRequest", "propagationPolicy must be a string"),
        ["field-manager-too-long"] = Bad("POST", $"{ConfigMaps}?fieldManager={new string('m', 129)}", Json, Cm("x"), 400, "BadRequest", "fieldManager: Too long"),

        // Paths, verbs, negotiation, authentication.
        ["unauthenticated"] = Bad("GET", ConfigMaps, null, null, 401, "Unauthorized", "Unauthorized", authenticated: false),
        ["put-on-collection"] = Bad("PUT", ConfigMaps, Json, Cm("x"), 405, "MethodNotAllowed", "PUT is not supported on a collection"),
        ["patch-on-collection"] = Bad("PATCH", ConfigMaps, MergePatch, "{}", 405, "MethodNotAllowed", "PATCH is not supported on a collection"),
        ["post-on-object"] = Bad("POST", $"{ConfigMaps}/sentinel", Json, Cm("sentinel"), 405, "MethodNotAllowed", "POST is not supported on an object"),
        ["post-all-namespaces"] = Bad("POST", "/api/v1/configmaps", Json, Cm("x"), 405, "MethodNotAllowed", "POST is not supported"),
        ["deletecollection-all-namespaces"] = Bad("DELETE", "/api/v1/configmaps", null, null, 405, "MethodNotAllowed", "DELETE is not supported"),
        ["delete-status-subresource"] = Bad("DELETE", $"{Gadgets}/sentinel/status", null, null, 405, "MethodNotAllowed", "DELETE is not supported on the status subresource"),
        ["post-discovery"] = Bad("POST", "/api/v1", Json, "{}", 405, "MethodNotAllowed", "POST is not supported here"),
        ["unknown-resource"] = Bad("GET", $"/api/v1/namespaces/{Ns}/widgetz", null, null, 404, "NotFound", "the server could not find the requested resource"),
        ["unknown-group"] = Bad("GET", "/apis/nothing.example.com/v1/things", null, null, 404, "NotFound", "the server could not find the requested resource"),
        ["unknown-subresource"] = Bad("GET", $"{ConfigMaps}/sentinel/exec", null, null, 404, "NotFound", "the server could not find the requested resource"),
        ["missing-object"] = Bad("GET", $"{ConfigMaps}/nope", null, null, 404, "NotFound", "configmaps \"nope\" not found"),
        ["missing-cr"] = Bad("GET", $"{Gadgets}/nope", null, null, 404, "NotFound", "gadgets.fuzz.flotilla.io \"nope\" not found"),
        ["accept-protobuf-only"] = Bad("GET", $"{ConfigMaps}/sentinel", null, null, 406, "NotAcceptable", "protobuf", accept: Protobuf),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Send_BadInput_FailureStatusNamingProblemAndDataIntact(string name)
    {
        var c = Cases[name];
        var client = c.Authenticated ? fixture.Client : fixture.AnonymousClient;

        var response = await RawApi.SendAsync(client, new HttpMethod(c.Method), c.Path, c.ContentType, c.Body, c.Accept);

        RawApi.AssertStatus(response, c.Code, c.Reason, c.Message);
        await fixture.AssertIntactAsync();
    }

    [Fact]
    public async Task Create_UnknownFieldOnCustomResourceWarn_CreatedPrunedWithWarningHeader()
    {
        var body = """{"apiVersion":"fuzz.flotilla.io/v1","kind":"Gadget","metadata":{"name":"warned"},"spec":{"size":1,"bogus":true}}""";

        var response = await RawApi.SendAsync(fixture.Client, HttpMethod.Post, "/apis/fuzz.flotilla.io/v1/namespaces/accepted/gadgets?fieldValidation=Warn", Json, body);

        Assert.True(response.Code == 201, response.Text);
        Assert.True(response.Headers.TryGetValues("Warning", out var warnings), "no Warning header");
        Assert.Equal(["299 - \"unknown field \\\"spec.bogus\\\"\""], warnings);
        Assert.Null(response.Json()["spec"]!["bogus"]);
        await fixture.AssertIntactAsync();
    }

    [Fact]
    public async Task Create_NonAsciiUnknownFieldWarn_WarningHeaderEscaped()
    {
        // Header values are ASCII: the field name travels escaped, as Go's strconv.QuoteToASCII writes it.
        var body = """{"apiVersion":"fuzz.flotilla.io/v1","kind":"Gadget","metadata":{"name":"accented"},"spec":{"größe":1}}""";

        var response = await RawApi.SendAsync(fixture.Client, HttpMethod.Post, "/apis/fuzz.flotilla.io/v1/namespaces/accepted/gadgets", Json, body);

        Assert.True(response.Code == 201, response.Text);
        Assert.True(response.Headers.TryGetValues("Warning", out var warnings), "no Warning header");
        Assert.Equal(["299 - \"unknown field \\\"spec.gr\\u00f6\\u00dfe\\\"\""], warnings);
    }

    [Fact]
    public async Task Create_DuplicateKeyWarn_CreatedLastValueWinsWithWarningHeader()
    {
        var body = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"twice"},"data":{"a":"1","a":"2"}}""";

        var response = await RawApi.SendAsync(fixture.Client, HttpMethod.Post, "/api/v1/namespaces/accepted/configmaps?fieldValidation=Warn", Json, body);

        Assert.True(response.Code == 201, response.Text);
        Assert.True(response.Headers.TryGetValues("Warning", out var warnings), "no Warning header");
        Assert.Equal(["299 - \"duplicate field \\\"data.a\\\"\""], warnings);
        Assert.Equal("2", (string?)response.Json()["data"]!["a"]);
    }

    [Fact]
    public async Task Create_NestedDeeperThan64Levels_StoredAndServed()
    {
        // Deep but within the body reader's limit: what is accepted must also serialize, store and read back.
        var deep = string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200);
        var body = $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"extra":{{{deep}}}}""";

        var created = await RawApi.SendAsync(fixture.Client, HttpMethod.Post, "/api/v1/namespaces/accepted/configmaps", Json, body);

        Assert.True(created.Code == 201, created.Text);
        var read = await RawApi.SendAsync(fixture.Client, HttpMethod.Get, "/api/v1/namespaces/accepted/configmaps/deep");
        Assert.True(read.Code == 200, read.Text);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(deep, documentOptions: RawResponse.Deep), read.Json()["extra"]));
    }

    [Fact]
    public async Task Create_YamlBody_Created()
    {
        var body = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: from-yaml
              labels:
                app: yaml
            data:
              port: "8080"
              enabled: "true"
            """;

        var response = await RawApi.SendAsync(fixture.Client, HttpMethod.Post, "/api/v1/namespaces/accepted/configmaps", Yaml, body);

        Assert.True(response.Code == 201, response.Text);
        var created = response.Json();
        Assert.Equal("from-yaml", (string?)created["metadata"]!["name"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"port":"8080","enabled":"true"}"""), created["data"]), created.ToJsonString());
    }

    [Fact]
    public async Task Create_StreamedBodyOver3MiB_RequestEntityTooLarge()
    {
        // No Content-Length (HTTP/2 data frames): the limit must hold while reading, not only from the header.
        using var content = new StreamContent(new MemoryStream(FourMiB()));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(Json);
        using var request = new HttpRequestMessage(HttpMethod.Post, ConfigMaps)
        {
            Content = content,
            Version = System.Net.HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        using var response = await fixture.Client.SendAsync(request);

        var raw = new RawResponse((int)response.StatusCode, response.Headers, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsByteArrayAsync());
        RawApi.AssertStatus(raw, 413, "RequestEntityTooLarge", "Request entity too large");
        await fixture.AssertIntactAsync();
    }

    private static byte[] FourMiB()
    {
        // A well-formed ConfigMap whose one value fills 4 MiB.
        var prefix = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"huge\"},\"data\":{\"a\":\""u8;
        var body = new byte[4 * 1024 * 1024];
        body.AsSpan().Fill((byte)'x');
        prefix.CopyTo(body);
        "\"}}"u8.CopyTo(body.AsSpan(body.Length - 3));
        return body;
    }

    /// <summary>
    /// One server for the whole table: a namespace holding sentinel objects, a CRD, a namespace stuck terminating
    /// (a finalizer nobody removes holds its content), and a namespace for requests that are meant to succeed.
    /// </summary>
    public sealed class ServerFixture : IAsyncLifetime
    {
        private static readonly string[] Sentinels = [$"{ConfigMaps}/sentinel", $"{Gadgets}/sentinel", $"{Deployments}/web"];
        private static readonly string[] Collections = [ConfigMaps, Gadgets, Deployments];

        private readonly Dictionary<string, byte[]> _sentinels = [];
        private readonly Dictionary<string, string> _collections = [];
        private TestApiServer? _server;

        public HttpClient Client { get; private set; } = null!;

        public HttpClient AnonymousClient { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            _server = await TestApiServer.StartAsync();
            Client = _server.CreateHttpClient();
            AnonymousClient = _server.CreateHttpClient(authenticated: false);
            await RawApi.ExpectAsync(Client, 201, HttpMethod.Post, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Json, RawApi.GadgetCrd);
            foreach (var ns in new[] { Ns, "accepted", "doomed" })
            {
                await RawApi.ExpectAsync(Client, 201, HttpMethod.Post, "/api/v1/namespaces", Json, RawApi.Namespace(ns));
            }
            await RawApi.ExpectAsync(Client, 201, HttpMethod.Post, ConfigMaps, Json, RawApi.ConfigMap(Ns, "sentinel"));
            await RawApi.ExpectAsync(Client, 201, HttpMethod.Post, Gadgets, Json, RawApi.Gadget(Ns, "sentinel"));
            await RawApi.ExpectAsync(Client, 201, HttpMethod.Post, Deployments, Json, """
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
                 "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
                  "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.25","ports":[{"containerPort":80}]}]}}}}
                """);

            // A namespace that stays terminating: its only object has a finalizer no controller removes.
            await RawApi.ExpectAsync(Client, 201, HttpMethod.Post, "/api/v1/namespaces/doomed/configmaps", Json,
                """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"held","finalizers":["example.com/hold"]}}""");
            var doomed = await RawApi.ExpectAsync(Client, 200, HttpMethod.Delete, "/api/v1/namespaces/doomed");
            Assert.NotNull(doomed["metadata"]!["deletionTimestamp"]);

            foreach (var path in Sentinels)
            {
                _sentinels[path] = (await RawApi.SendAsync(Client, HttpMethod.Get, path)).Body;
            }
            foreach (var path in Collections)
            {
                _collections[path] = await ItemsAsync(path);
            }
        }

        /// <summary>The server still answers, and the sentinels and collections are byte-for-byte as set up.</summary>
        public async Task AssertIntactAsync()
        {
            var ready = await RawApi.SendAsync(Client, HttpMethod.Get, "/readyz");
            Assert.Equal(200, ready.Code);
            foreach (var (path, bytes) in _sentinels)
            {
                var now = await RawApi.SendAsync(Client, HttpMethod.Get, path);
                Assert.True(now.Code == 200, $"{path}: {now.Code} {now.Text}");
                Assert.Equal(Encoding.UTF8.GetString(bytes), now.Text);
            }
            foreach (var (path, items) in _collections)
            {
                Assert.Equal(items, await ItemsAsync(path));
            }
        }

        private async Task<string> ItemsAsync(string collection)
        {
            var list = await RawApi.ExpectAsync(Client, 200, HttpMethod.Get, collection);
            return list["items"]!.ToJsonString();
        }

        public async Task DisposeAsync()
        {
            Client.Dispose();
            AnonymousClient.Dispose();
            if (_server is not null)
            {
                await _server.DisposeAsync();
            }
        }
    }
}
