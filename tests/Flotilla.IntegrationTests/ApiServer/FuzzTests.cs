using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Flotilla.Testing;
using Xunit.Abstractions;

namespace Flotilla.IntegrationTests.ApiServer;

/// <summary>
/// Random mutations of valid requests (fixed seed, so a failure replays): creates, updates, every patch type,
/// server-side apply, lists with selectors and watches with odd parameters, over built-ins and a CRD's custom
/// resources. Bodies are mutated structurally (type confusion, removed and added fields, deep nesting, huge
/// numbers, unicode, duplicate keys) and as bytes (flips, truncation, splices); content types, Accept headers,
/// query parameters and names are swapped for odd ones. The server must never answer 5xx, every error must be a
/// proper Status, and objects in a namespace the fuzzer never targets must come through byte for byte.
/// </summary>
public sealed partial class FuzzTests(ITestOutputHelper output)
{
    private const int Seed = 20_260_101;
    private const int Mutations = 10_000;
    private const int Senders = 8;
    private const string Fuzz = "fuzz";
    private const string Sentinels = "sentinels";
    private const string Json = "application/json";
    private const string Yaml = "application/yaml";
    private const string Protobuf = "application/vnd.kubernetes.protobuf";
    private const string MergePatch = "application/merge-patch+json";
    private const string JsonPatch = "application/json-patch+json";
    private const string StrategicPatch = "application/strategic-merge-patch+json";
    private const string ApplyPatch = "application/apply-patch+yaml";

    /// <summary>How much of an offending answer the failure report shows.</summary>
    private const int AnswerPreview = 1500;

    [Fact]
    public async Task Send_TenThousandMutatedRequests_NoServerErrorsAndSentinelsIntact()
    {
        await using var server = await TestApiServer.StartAsync();
        using var client = server.CreateHttpClient();
        await SetUpAsync(client);
        var before = await SnapshotAsync(client);

        var failures = new ConcurrentQueue<string>();
        var codes = new ConcurrentDictionary<int, int>();
        var next = -1;
        async Task SendLoopAsync()
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < Mutations)
            {
                var request = await GenerateAsync(client, index);
                var (code, problem) = await SendAndCheckAsync(client, request);
                codes.AddOrUpdate(code, 1, (_, n) => n + 1);
                if (problem is not null)
                {
                    failures.Enqueue($"#{index} {request.Describe()}\n    => {problem}");
                }
            }
        }
        await Task.WhenAll(Enumerable.Range(0, Senders).Select(_ => Task.Run(SendLoopAsync)));

        var histogram = string.Join(", ", codes.OrderBy(c => c.Key).Select(c => $"{c.Key}: {c.Value}"));
        output.WriteLine($"{Mutations} mutated requests (seed {Seed}), answers by code: {histogram}");
        Assert.True(failures.IsEmpty, $"{failures.Count} of {Mutations} requests were answered badly (codes {histogram}); the first ones:\n" +
            string.Join("\n", failures.Take(8)));
        // A fuzzer whose requests all fail at the first check tests nothing: enough must get through, enough must not.
        Assert.True(codes.Where(c => c.Key < 300).Sum(c => c.Value) > Mutations / 10, $"too few requests succeeded: {histogram}");
        Assert.True(codes.Where(c => c.Key >= 400).Sum(c => c.Value) > Mutations / 10, $"too few requests were rejected: {histogram}");

        // Still serving: a fresh object round-trips.
        var ready = await RawApi.SendAsync(client, HttpMethod.Get, "/readyz");
        Assert.True(ready.Code == 200, $"readyz after fuzzing: {ready.Code} {ready.Text}");
        await RawApi.ExpectAsync(client, 201, HttpMethod.Post, $"/api/v1/namespaces/{Sentinels}/configmaps", Json, RawApi.ConfigMap(Sentinels, "after-fuzz"));
        await RawApi.ExpectAsync(client, 200, HttpMethod.Delete, $"/api/v1/namespaces/{Sentinels}/configmaps/after-fuzz");
        // The built-in controllers survived too: a namespace with content still terminates and goes away.
        await RawApi.ExpectAsync(client, 201, HttpMethod.Post, "/api/v1/namespaces", Json, RawApi.Namespace("after-fuzz"));
        await RawApi.ExpectAsync(client, 201, HttpMethod.Post, "/api/v1/namespaces/after-fuzz/configmaps", Json, RawApi.ConfigMap("after-fuzz", "content"));
        await RawApi.ExpectAsync(client, 200, HttpMethod.Delete, "/api/v1/namespaces/after-fuzz");
        await Eventually.WaitAsync("namespace after-fuzz deleted after fuzzing",
            async () => (await RawApi.SendAsync(client, HttpMethod.Get, "/api/v1/namespaces/after-fuzz")).Code == 404);

        var after = await SnapshotAsync(client);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (path, text) in before)
        {
            Assert.True(text == after[path], $"{path} changed during fuzzing:\nbefore {text}\nafter  {after[path]}");
        }
    }

    // ---- Set-up and the sentinel snapshot ----

    private static async Task SetUpAsync(HttpClient client)
    {
        await RawApi.ExpectAsync(client, 201, HttpMethod.Post, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Json, RawApi.GadgetCrd);
        foreach (var ns in new[] { Fuzz, Sentinels })
        {
            await RawApi.ExpectAsync(client, 201, HttpMethod.Post, "/api/v1/namespaces", Json, RawApi.Namespace(ns));
        }
        var crds = Targets.Single(t => t.Kind == "CustomResourceDefinition");
        for (var i = 0; i < 3; i++)
        {
            await RawApi.ExpectAsync(client, 201, HttpMethod.Post, Collection(crds, Fuzz), Json, Manifest(crds, $"things{i}.extra.flotilla.io", null).ToJsonString());
        }
        foreach (var ns in new[] { Sentinels, Fuzz })
        {
            foreach (var target in Targets.Where(t => t.Namespaced && (t.Sentinel || ns == Fuzz)))
            {
                for (var i = 0; i < (ns == Sentinels ? 1 : 3); i++)
                {
                    var body = Manifest(target, $"{target.Plural[..Math.Min(8, target.Plural.Length)]}-{i}", ns);
                    await RawApi.ExpectAsync(client, 201, HttpMethod.Post, Collection(target, ns), Json, body.ToJsonString());
                }
            }
        }
    }

    /// <summary>Every object in the sentinel namespace, and the namespace itself, as the server serves them.</summary>
    private static async Task<Dictionary<string, string>> SnapshotAsync(HttpClient client)
    {
        var snapshot = new Dictionary<string, string>();
        var ns = await RawApi.SendAsync(client, HttpMethod.Get, $"/api/v1/namespaces/{Sentinels}");
        snapshot[$"/api/v1/namespaces/{Sentinels}"] = ns.Text;
        foreach (var target in Targets.Where(t => t.Namespaced && t.Sentinel))
        {
            var list = await RawApi.ExpectAsync(client, 200, HttpMethod.Get, Collection(target, Sentinels));
            foreach (var item in list["items"]!.AsArray())
            {
                var path = $"{Collection(target, Sentinels)}/{item!["metadata"]!["name"]}";
                snapshot[path] = (await RawApi.SendAsync(client, HttpMethod.Get, path)).Text;
            }
        }
        return snapshot;
    }

    // ---- Sending and checking ----

    /// <summary>
    /// One generated request; <paramref name="IsWatch"/> when it asks for a watch (a collection answers with a stream
    /// of events); <paramref name="Http2"/> to send it as kubectl does rather than as the Python client does.
    /// </summary>
    private sealed record FuzzRequest(string Method, string Path, string? ContentType, byte[]? Body, string? Accept, bool IsWatch, bool Http2)
    {
        public string Describe()
        {
            var body = Body is null ? "" : $" body[{Body.Length}]={Preview(Body)}";
            return $"{Method} {Preview(Encoding.UTF8.GetBytes(Path))} {(Http2 ? "HTTP/2" : "HTTP/1.1")} content-type={ContentType ?? "(none)"} accept={Accept ?? "(none)"}{body}";
        }
    }

    private static string Preview(byte[] bytes, int limit = 400)
    {
        var text = Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, limit));
        var escaped = new StringBuilder();
        foreach (var c in text)
        {
            escaped.Append(char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString());
        }
        return bytes.Length > limit ? escaped + "…" : escaped.ToString();
    }

    /// <summary>Sends one request; returns the code and what is wrong with the answer (null when it is acceptable).</summary>
    private static async Task<(int Code, string? Problem)> SendAndCheckAsync(HttpClient client, FuzzRequest fuzz)
    {
        using var request = new HttpRequestMessage(new HttpMethod(fuzz.Method), fuzz.Path)
        {
            Version = fuzz.Http2 ? System.Net.HttpVersion.Version20 : System.Net.HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (fuzz.Body is not null)
        {
            request.Content = new ByteArrayContent(fuzz.Body);
            if (fuzz.ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", fuzz.ContentType);
            }
        }
        if (fuzz.Accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", fuzz.Accept);
        }
        // Watches end by themselves (timeoutSeconds); the bound only keeps a wrong one from stalling the run.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(fuzz.IsWatch ? 10 : 30));
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var code = (int)response.StatusCode;
            var body = await response.Content.ReadAsByteArrayAsync(timeout.Token);
            var raw = new RawResponse(code, response.Headers, response.Content.Headers.ContentType?.MediaType, body);
            if (code >= 500)
            {
                return (code, $"{code}: {Preview(body, AnswerPreview)}");
            }
            if (code >= 400 && fuzz.Method != "HEAD")
            {
                // (A HEAD answer has headers only.)
                return (code, RawApi.StatusProblem(raw) is { } problem ? $"{code} not a proper Status ({problem}): {Preview(body, AnswerPreview)}" : null);
            }
            if (fuzz.Method == "HEAD" || code >= 400)
            {
                return (code, null);
            }
            return (code, fuzz.IsWatch ? WatchProblem(body) : ObjectProblem(body));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return (0, "no complete answer within the time limit");
        }
        catch (HttpRequestException e)
        {
            return (0, $"transport failure: {e.Message} {e.InnerException?.Message}");
        }
    }

    private static string? ObjectProblem(byte[] body)
    {
        try
        {
            return JsonNode.Parse(body, documentOptions: RawResponse.Deep) is JsonObject ? null : $"a 2xx body that is not a JSON object: {Preview(body)}";
        }
        catch (JsonException e)
        {
            return $"a 2xx body that is not JSON ({e.Message}): {Preview(body)}";
        }
    }

    /// <summary>
    /// Null when <paramref name="body"/> is a stream of watch events (possibly none), or one object: a watch
    /// parameter on an object's URL is a plain get.
    /// </summary>
    private static string? WatchProblem(byte[] body)
    {
        var lines = Encoding.UTF8.GetString(body).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var line in lines)
        {
            try
            {
                var json = JsonNode.Parse(line, documentOptions: RawResponse.Deep) as JsonObject;
                if (lines.Length == 1 && json?["object"] is null && json?["kind"] is not null)
                {
                    return null;
                }
                var type = (string?)(json?["type"] as JsonValue);
                if (type is not ("ADDED" or "MODIFIED" or "DELETED" or "BOOKMARK" or "ERROR") || json!["object"] is not JsonObject)
                {
                    return $"a watch event of type {type ?? "(none)"}: {line}";
                }
            }
            catch (JsonException e)
            {
                return $"a watch line that is not JSON ({e.Message}): {line}";
            }
        }
        return null;
    }

    // ---- Targets and their valid manifests ----

    /// <summary>
    /// A resource the fuzzer writes to; its manifest has <c>$NAME</c> where the name goes. <paramref name="Sentinel"/>:
    /// whether the sentinel namespace holds one (not for instances of the CRDs the fuzzer itself rewrites and deletes).
    /// </summary>
    private sealed record Target(string GroupVersion, string Kind, string Plural, bool Namespaced, string Manifest, string? Subresource = null, bool Sentinel = true)
    {
        public string ApiPrefix => GroupVersion == "v1" ? "/api/v1" : $"/apis/{GroupVersion}";
    }

    private static readonly Target[] Targets =
    [
        new("v1", "ConfigMap", "configmaps", true, """{"metadata":{"name":"$NAME","labels":{"app":"fuzz","tier":"a"},"annotations":{"note":"x"}},"data":{"k":"v","port":"80"},"binaryData":{"b":"aGVsbG8="}}"""),
        new("v1", "Secret", "secrets", true, """{"metadata":{"name":"$NAME","labels":{"app":"fuzz"}},"type":"Opaque","data":{"user":"YWRtaW4="},"stringData":{"pw":"x"}}"""),
        new("v1", "Service", "services", true, """{"metadata":{"name":"$NAME","labels":{"app":"fuzz"}},"spec":{"selector":{"app":"fuzz"},"type":"ClusterIP","ports":[{"name":"http","port":80,"targetPort":8080,"protocol":"TCP"},{"name":"dns","port":53,"targetPort":"dns","protocol":"UDP"}]}}""", "status"),
        new("v1", "Pod", "pods", true, """{"metadata":{"name":"$NAME","labels":{"app":"fuzz","tier":"b"}},"spec":{"restartPolicy":"Always","containers":[{"name":"c","image":"nginx:1.25","command":["nginx"],"ports":[{"containerPort":80,"protocol":"TCP"}],"env":[{"name":"A","value":"1"},{"name":"B","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}],"resources":{"limits":{"cpu":"100m","memory":"64Mi"},"requests":{"cpu":"50m"}},"volumeMounts":[{"name":"v","mountPath":"/data"}]}],"volumes":[{"name":"v","emptyDir":{}}],"tolerations":[{"key":"k","operator":"Exists","effect":"NoSchedule"}]}}""", "status"),
        new("apps/v1", "Deployment", "deployments", true, """{"metadata":{"name":"$NAME","labels":{"app":"fuzz"}},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"fuzz"}},"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":1}},"template":{"metadata":{"labels":{"app":"fuzz"}},"spec":{"containers":[{"name":"web","image":"nginx:1.25","ports":[{"containerPort":80}],"env":[{"name":"A","value":"1"}]}]}}}}""", "scale"),
        new("apps/v1", "StatefulSet", "statefulsets", true, """{"metadata":{"name":"$NAME"},"spec":{"replicas":1,"serviceName":"svc","selector":{"matchLabels":{"app":"db"}},"template":{"metadata":{"labels":{"app":"db"}},"spec":{"containers":[{"name":"db","image":"postgres:16"}]}},"volumeClaimTemplates":[{"metadata":{"name":"data"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}]}}""", "scale"),
        new("batch/v1", "Job", "jobs", true, """{"metadata":{"name":"$NAME"},"spec":{"backoffLimit":2,"completions":1,"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox","command":["echo","hi"]}]}}}}""", "status"),
        new("batch/v1", "CronJob", "cronjobs", true, """{"metadata":{"name":"$NAME"},"spec":{"schedule":"*/5 * * * *","concurrencyPolicy":"Forbid","jobTemplate":{"spec":{"template":{"spec":{"restartPolicy":"OnFailure","containers":[{"name":"c","image":"busybox"}]}}}}}}"""),
        new("rbac.authorization.k8s.io/v1", "Role", "roles", true, """{"metadata":{"name":"$NAME"},"rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get","list"]}]}"""),
        new("networking.k8s.io/v1", "Ingress", "ingresses", true, """{"metadata":{"name":"$NAME"},"spec":{"rules":[{"host":"a.example.com","http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"web","port":{"number":80}}}}]}}]}}"""),
        new("networking.k8s.io/v1", "NetworkPolicy", "networkpolicies", true, """{"metadata":{"name":"$NAME"},"spec":{"podSelector":{"matchLabels":{"app":"fuzz"}},"policyTypes":["Ingress"],"ingress":[{"from":[{"podSelector":{"matchExpressions":[{"key":"tier","operator":"In","values":["a","b"]}]}}],"ports":[{"port":80,"protocol":"TCP"}]}]}}"""),
        new("policy/v1", "PodDisruptionBudget", "poddisruptionbudgets", true, """{"metadata":{"name":"$NAME"},"spec":{"minAvailable":"50%","selector":{"matchLabels":{"app":"fuzz"}}}}"""),
        new("coordination.k8s.io/v1", "Lease", "leases", true, """{"metadata":{"name":"$NAME"},"spec":{"holderIdentity":"me","leaseDurationSeconds":15,"renewTime":"2026-01-01T00:00:00.000000Z"}}"""),
        new("discovery.k8s.io/v1", "EndpointSlice", "endpointslices", true, """{"metadata":{"name":"$NAME","labels":{"kubernetes.io/service-name":"web"}},"addressType":"IPv4","endpoints":[{"addresses":["10.0.0.1"],"conditions":{"ready":true}}],"ports":[{"name":"http","port":80,"protocol":"TCP"}]}"""),
        new("fuzz.flotilla.io/v1", "Gadget", "gadgets", true, """{"metadata":{"name":"$NAME","labels":{"app":"gadget"}},"spec":{"size":3,"replicas":1,"color":"blue","ratio":0.5,"enabled":true,"quantity":"10Gi","tags":["a","b"],"ports":[{"name":"http","port":80}],"settings":{"k":"v"},"extra":{"free":{"form":[1,2]}}},"status":{"replicas":1}}""", "status"),
        // An instance of a CRD the fuzzer also rewrites and deletes: schema and printer columns change under it.
        new("extra.flotilla.io/v1", "Thing0", "things0", true, """{"metadata":{"name":"$NAME","labels":{"app":"fuzz"}},"spec":{"n":1,"s":"aaa","l":[{"k":"x"},{"k":"y"}]}}""", Sentinel: false),
        new("v1", "Namespace", "namespaces", false, """{"metadata":{"name":"$NAME","labels":{"team":"fuzz"}}}""", "status"),
        new("rbac.authorization.k8s.io/v1", "ClusterRole", "clusterroles", false, """{"metadata":{"name":"$NAME"},"rules":[{"apiGroups":["*"],"resources":["*"],"verbs":["get"]}]}"""),
        new("apiextensions.k8s.io/v1", "CustomResourceDefinition", "customresourcedefinitions", false, """{"metadata":{"name":"$NAME"},"spec":{"group":"extra.flotilla.io","scope":"Namespaced","names":{"kind":"$KIND","plural":"$PLURAL","listKind":"$KINDList"},"versions":[{"name":"v1","served":true,"storage":true,"additionalPrinterColumns":[{"name":"N","type":"integer","jsonPath":".spec.n"},{"name":"Keys","type":"string","jsonPath":".spec.l[*].k"},{"name":"Age","type":"date","jsonPath":".metadata.creationTimestamp"}],"schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object","properties":{"n":{"type":"integer","maximum":5},"s":{"type":"string","pattern":"^a+$"},"l":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["k"],"items":{"type":"object","required":["k"],"properties":{"k":{"type":"string"}}}}}}}}}}]}}"""),
    ];

    private static string Collection(Target target, string ns) =>
        target.Namespaced ? $"{target.ApiPrefix}/namespaces/{ns}/{target.Plural}" : $"{target.ApiPrefix}/{target.Plural}";

    /// <summary>Names the fuzzer uses, so that its writes often meet objects that exist (created at set-up or by itself).</summary>
    private static string PickName(Random random, Target target) => target.Kind switch
    {
        // Cluster-scoped names of the fuzzer's own, so that nothing it did not create is ever touched.
        "Namespace" => $"fuzz-ns-{random.Next(3)}",
        "ClusterRole" => $"fuzz-role-{random.Next(3)}",
        "CustomResourceDefinition" => $"things{random.Next(3)}.extra.flotilla.io",
        _ => $"{target.Plural[..Math.Min(8, target.Plural.Length)]}-{random.Next(4)}",
    };

    private static JsonObject Manifest(Target target, string name, string? ns)
    {
        var text = target.Manifest.Replace("$NAME", name, StringComparison.Ordinal);
        if (target.Kind == "CustomResourceDefinition")
        {
            var plural = name.Split('.')[0];
            text = text.Replace("$PLURAL", plural, StringComparison.Ordinal).Replace("$KIND", "Thing" + plural[^1], StringComparison.Ordinal);
        }
        var obj = JsonNode.Parse(text)!.AsObject();
        var result = new JsonObject { ["apiVersion"] = target.GroupVersion, ["kind"] = target.Kind };
        foreach (var (key, value) in obj.ToList())
        {
            obj.Remove(key);
            result[key] = value;
        }
        if (ns is not null && target.Namespaced)
        {
            result["metadata"]!["namespace"] = ns;
        }
        return result;
    }

    // ---- Generation ----

    private enum Operation
    {
        Create,
        Update,
        MergePatch,
        JsonPatch,
        StrategicPatch,
        Apply,
        List,
        Watch,
        Get,
        Delete,
        DeleteCollection,
    }

    private static readonly (Operation Operation, int Weight)[] Operations =
    [
        (Operation.Create, 18), (Operation.Update, 10), (Operation.MergePatch, 10), (Operation.JsonPatch, 8),
        (Operation.StrategicPatch, 8), (Operation.Apply, 12), (Operation.List, 12), (Operation.Watch, 6),
        (Operation.Get, 8), (Operation.Delete, 5), (Operation.DeleteCollection, 3),
    ];

    /// <summary>Request <paramref name="index"/>: a valid request, then one to three mutations, all from a seed of its own.</summary>
    private static async Task<FuzzRequest> GenerateAsync(HttpClient client, int index)
    {
        var random = new Random(unchecked((Seed * 1_000_003) + index));
        var target = Targets[random.Next(Targets.Length)];
        var operation = PickOperation(random);
        var name = PickName(random, target);
        var collection = Collection(target, Fuzz);
        var objectPath = $"{collection}/{name}";
        var manifest = Manifest(target, name, random.Next(3) == 0 ? null : Fuzz);
        var query = new List<(string Key, string Value)>();
        string method;
        string path;
        string? contentType = null;
        JsonNode? body = null;
        byte[]? protobuf = null;
        switch (operation)
        {
            case Operation.Create:
                (method, path, contentType, body) = ("POST", collection, Json, manifest);
                query.Add(("fieldManager", "fuzz"));
                if (target.Kind is "ConfigMap" or "Secret" or "Namespace" && random.Next(3) == 0)
                {
                    // What kubectl's typed create commands send; later mutations work on the bytes.
                    (contentType, protobuf) = (Protobuf, Proto.Encode(manifest, target.Kind));
                }
                break;
            case Operation.Update:
                // Half the time a read-modify-write of the live object (a resourceVersion that can be current).
                (method, path, contentType) = ("PUT", objectPath, Json);
                body = random.Next(2) == 0 && await GetJsonAsync(client, objectPath) is { } live ? live : manifest;
                if (target.Subresource is not null && random.Next(4) == 0)
                {
                    path += "/" + target.Subresource;
                    if (target.Subresource == "scale")
                    {
                        body = await GetJsonAsync(client, path) ?? new JsonObject
                        {
                            ["apiVersion"] = "autoscaling/v1",
                            ["kind"] = "Scale",
                            ["metadata"] = new JsonObject { ["name"] = name },
                            ["spec"] = new JsonObject { ["replicas"] = 3 },
                        };
                    }
                }
                break;
            case Operation.MergePatch:
                (method, path, contentType, body) = ("PATCH", objectPath, MergePatch, PartialOf(random, manifest));
                if (target.Subresource is not null && random.Next(4) == 0)
                {
                    path += "/" + target.Subresource;
                    body = target.Subresource == "scale"
                        ? new JsonObject { ["spec"] = new JsonObject { ["replicas"] = random.Next(-1, 5) } }
                        : new JsonObject { ["status"] = StatusOf(random) };
                }
                break;
            case Operation.StrategicPatch:
                (method, path, contentType, body) = ("PATCH", objectPath, StrategicPatch, PartialOf(random, manifest));
                break;
            case Operation.JsonPatch:
                (method, path, contentType, body) = ("PATCH", objectPath, JsonPatch, JsonPatchFor(random, manifest));
                break;
            case Operation.Apply:
                (method, path, contentType, body) = ("PATCH", objectPath, ApplyPatch, manifest);
                query.Add(("fieldManager", random.Next(3) == 0 ? "other" : "fuzz"));
                if (random.Next(2) == 0)
                {
                    query.Add(("force", "true"));
                }
                break;
            case Operation.List:
                (method, path) = ("GET", random.Next(4) == 0 && target.Namespaced ? $"{target.ApiPrefix}/{target.Plural}" : collection);
                AddSelectors(random, query);
                if (random.Next(2) == 0)
                {
                    query.Add(("limit", random.Next(1, 4).ToString(CultureInfo.InvariantCulture)));
                    if (random.Next(2) == 0 && await ContinueTokenAsync(client, collection) is { } token)
                    {
                        query.Add(("continue", random.Next(2) == 0 ? token : MutateText(random, token, 4)));
                    }
                }
                break;
            case Operation.Watch:
                (method, path) = ("GET", random.Next(4) == 0 && target.Namespaced ? $"{target.ApiPrefix}/{target.Plural}" : collection);
                query.Add(("watch", random.Next(2) == 0 ? "true" : "1"));
                query.Add(("timeoutSeconds", random.Next(20) == 0 ? "1" : "0"));
                AddSelectors(random, query);
                AddOdd(random, query, WatchOddities);
                break;
            case Operation.Get:
                (method, path) = ("GET", objectPath + (target.Subresource is not null && random.Next(3) == 0 ? "/" + target.Subresource : ""));
                break;
            case Operation.Delete:
                (method, path) = ("DELETE", objectPath);
                if (random.Next(2) == 0)
                {
                    (contentType, body) = (Json, JsonNode.Parse("""{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background","gracePeriodSeconds":0,"preconditions":{"resourceVersion":"1"}}"""));
                    if (random.Next(2) == 0)
                    {
                        body!.AsObject().Remove("preconditions");
                    }
                }
                break;
            default:
                // Only ever within the fuzz namespace (or the fuzzer's own cluster-scoped objects), by selector.
                (method, path) = ("DELETE", collection);
                query.Add(("labelSelector", target.Namespaced ? "app=fuzz-doomed" : "team=fuzz-doomed"));
                break;
        }

        var bytes = protobuf ?? (body is null ? null : ToBytes(body));
        // Reads are often printed as Tables, the form kubectl get asks for: the printers meet whatever was stored.
        string? accept = method == "GET" && random.Next(3) == 0 ? TableAccept : null;
        var mutations = 1 + random.Next(3);
        for (var m = 0; m < mutations; m++)
        {
            switch (random.Next(22))
            {
                case < 8 when bytes is not null:
                    bytes = MutateStructure(random, bytes);
                    break;
                case 20 or 21 when bytes is not null:
                    bytes = MutateMetadata(random, bytes);
                    break;
                case < 11 when bytes is not null:
                    bytes = MutateBytes(random, bytes);
                    break;
                case 11 when bytes is not null:
                    (bytes, contentType) = Reencode(random, bytes, contentType, target);
                    break;
                case 12:
                    contentType = ContentTypes[random.Next(ContentTypes.Length)];
                    bytes ??= random.Next(2) == 0 ? ToBytes(manifest) : null;
                    break;
                case 13:
                    accept = Accepts[random.Next(Accepts.Length)];
                    break;
                case 14:
                    path = MutatePath(random, path);
                    break;
                case 15 when random.Next(3) == 0:
                    // Another verb on the same URL: the wrong one for the resource, or one no handler serves.
                    method = new[] { "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "PROPFIND" }[random.Next(8)];
                    if (method == "DELETE" && operation != Operation.Delete)
                    {
                        // Keep deletes where the fuzzer means them: never a collection without its selector.
                        method = "OPTIONS";
                    }
                    break;
                default:
                    AddOdd(random, query, QueryOddities);
                    break;
            }
        }
        if (operation == Operation.DeleteCollection)
        {
            // Keep the destructive collection delete inside its selector: the fuzzer may add parameters, not replace this one.
            query.RemoveAll(q => q.Key == "labelSelector" && !q.Value.EndsWith("fuzz-doomed", StringComparison.Ordinal));
        }
        var queryText = string.Join("&", query.Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value)}"));
        var isWatch = method == "GET" && query.Any(q => q.Key == "watch" && q.Value is "true" or "1");
        return new FuzzRequest(method, queryText.Length == 0 ? path : $"{path}?{queryText}", contentType, bytes, accept, isWatch, Http2: random.Next(2) == 0);
    }

    private static Operation PickOperation(Random random)
    {
        var roll = random.Next(Operations.Sum(o => o.Weight));
        foreach (var (operation, weight) in Operations)
        {
            if ((roll -= weight) < 0)
            {
                return operation;
            }
        }
        return Operation.Get;
    }

    private static async Task<JsonNode?> GetJsonAsync(HttpClient client, string path)
    {
        var response = await RawApi.SendAsync(client, HttpMethod.Get, path);
        return response.Code == 200 ? JsonNode.Parse(response.Body, documentOptions: RawResponse.Deep) : null;
    }

    private static async Task<string?> ContinueTokenAsync(HttpClient client, string collection)
    {
        var response = await RawApi.SendAsync(client, HttpMethod.Get, collection + "?limit=1");
        return response.Code == 200 ? (string?)response.Json()["metadata"]?["continue"] : null;
    }

    /// <summary>A status as controllers write them (the fields the printers and field selectors read), sometimes odd.</summary>
    private static JsonObject StatusOf(Random random)
    {
        var status = new JsonObject
        {
            ["phase"] = new[] { "Running", "Pending", "Failed", "Succeeded", "" }[random.Next(5)],
            ["replicas"] = random.Next(0, 4),
            ["readyReplicas"] = random.Next(0, 4),
            ["availableReplicas"] = 1,
            ["updatedReplicas"] = 1,
            ["succeeded"] = 1,
            ["active"] = random.Next(2) == 0 ? 1 : new JsonArray(new JsonObject { ["name"] = "j" }),
            ["startTime"] = "2026-01-01T00:00:00Z",
            ["completionTime"] = random.Next(2) == 0 ? "2026-01-01T00:01:00Z" : "not a time",
            ["lastScheduleTime"] = "2026-01-01T00:00:00Z",
            ["podIP"] = "10.0.0.1",
            ["loadBalancer"] = new JsonObject { ["ingress"] = new JsonArray(new JsonObject { ["ip"] = "1.2.3.4", ["hostname"] = "lb" }) },
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True", ["lastTransitionTime"] = "2026-01-01T00:00:00Z" }),
            ["containerStatuses"] = new JsonArray(new JsonObject
            {
                ["name"] = "c", ["ready"] = true, ["restartCount"] = random.Next(3) == 0 ? "many" : 2,
                ["state"] = random.Next(2) == 0 ? new JsonObject { ["waiting"] = new JsonObject { ["reason"] = "CrashLoopBackOff" } } : new JsonObject { ["terminated"] = new JsonObject { ["exitCode"] = 1, ["reason"] = "Error" } },
                ["lastState"] = new JsonObject { ["terminated"] = new JsonObject { ["finishedAt"] = "2026-01-01T00:00:00Z" } },
            }),
        };
        return MutateStructure(random, ToBytes(status)) is var mutated && TryParse(mutated) is JsonObject odd ? odd : status;
    }

    /// <summary>A merge or strategic patch: some top-level fields of the manifest, sometimes with nulls (deletions) and list directives.</summary>
    private static JsonObject PartialOf(Random random, JsonObject manifest)
    {
        var patch = new JsonObject();
        foreach (var (key, value) in manifest)
        {
            if (key is "apiVersion" or "kind" || random.Next(3) == 0)
            {
                continue;
            }
            patch[key] = value?.DeepClone();
        }
        switch (random.Next(5))
        {
            case 0:
                patch["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = null, ["new"] = "yes" } };
                break;
            case 1:
                patch["metadata"] = new JsonObject { ["$setElementOrder/finalizers"] = new JsonArray(), ["$deleteFromPrimitiveList/finalizers"] = new JsonArray("x") };
                break;
            case 2:
                patch["spec"] = new JsonObject { ["$patch"] = random.Next(2) == 0 ? "replace" : "delete", ["$retainKeys"] = new JsonArray("replicas") };
                break;
        }
        return patch;
    }

    private static JsonArray JsonPatchFor(Random random, JsonObject manifest)
    {
        var paths = new List<string>();
        Collect(manifest, "", paths);
        var operations = new JsonArray();
        for (var i = 0; i < 1 + random.Next(3); i++)
        {
            var target = paths[random.Next(paths.Count)];
            var op = new[] { "add", "remove", "replace", "move", "copy", "test" }[random.Next(6)];
            var operation = new JsonObject { ["op"] = op, ["path"] = target };
            if (op is "add" or "replace" or "test")
            {
                operation["value"] = RandomValue(random, 0);
            }
            if (op is "move" or "copy")
            {
                operation["from"] = paths[random.Next(paths.Count)];
            }
            operations.Add(operation);
        }
        if (random.Next(4) == 0)
        {
            operations.Add(new JsonObject { ["op"] = "add", ["path"] = "/metadata/labels/new~1key", ["value"] = "v" });
        }
        return operations;

        static void Collect(JsonNode? node, string prefix, List<string> paths)
        {
            paths.Add(prefix.Length == 0 ? "/metadata/annotations/x" : prefix);
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (key, value) in obj)
                    {
                        Collect(value, $"{prefix}/{key.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)}", paths);
                    }
                    break;
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        Collect(array[i], $"{prefix}/{i}", paths);
                    }
                    paths.Add(prefix + "/-");
                    break;
            }
        }
    }

    private static readonly string[] LabelSelectors =
    [
        "app=fuzz", "app==fuzz", "app!=fuzz", "app in (fuzz,gadget)", "app notin (x)", "tier", "!tier", "app=fuzz,tier=a",
        "kubernetes.io/service-name=web", "a.b/c-d_e=f", "app in ()", "x>1", "x<2",
    ];

    private static readonly string[] FieldSelectors =
    [
        "metadata.name=configma-0", "metadata.namespace=fuzz", "metadata.name!=x", "status.phase=Running", "spec.nodeName=",
        "type=Opaque", "metadata.name=a,metadata.namespace!=b",
    ];

    private static void AddSelectors(Random random, List<(string, string)> query)
    {
        if (random.Next(2) == 0)
        {
            query.Add(("labelSelector", MutateText(random, LabelSelectors[random.Next(LabelSelectors.Length)], 3)));
        }
        if (random.Next(3) == 0)
        {
            query.Add(("fieldSelector", MutateText(random, FieldSelectors[random.Next(FieldSelectors.Length)], 3)));
        }
    }

    private static readonly (string Key, string[] Values)[] WatchOddities =
    [
        ("resourceVersion", ["0", "1", "", "999999999", "18446744073709551616", "-1", "abc"]),
        ("resourceVersionMatch", ["NotOlderThan", "Exact", "Bogus"]),
        ("allowWatchBookmarks", ["true", "false", "maybe"]),
        ("sendInitialEvents", ["true", "false", "yes"]),
    ];

    private static readonly (string Key, string[] Values)[] QueryOddities =
    [
        ("fieldValidation", ["Strict", "Warn", "Ignore", "strict", "", "Bogus"]),
        ("dryRun", ["All", "all", "", "None"]),
        ("fieldManager", ["", "fuzz", "kubectl", "ünïcødé-🚀", new string('m', 129), "a\u0000b"]),
        ("force", ["true", "false", "1", "yes"]),
        ("limit", ["-1", "0", "1", "abc", "99999999999999999999", "2147483648"]),
        ("continue", ["", "abc", "eyJ9", "e30", "eyJJZCI6IjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMCIsIlJldmlzaW9uIjoxLCJPZmZzZXQiOi0xfQ", "%%%"]),
        ("resourceVersion", ["0", "1", "abc", "-5", "99999999999999999999999"]),
        ("resourceVersionMatch", ["Exact", "NotOlderThan", "Nope"]),
        ("timeoutSeconds", ["0", "-1", "x", "99999999999999999999"]),
        ("labelSelector", ["app=fuzz", "(", "a in (b", "!!a", "a=b=c", "🚀=1", new string('k', 70) + "=v"]),
        ("fieldSelector", ["metadata.name=x", "spec.foo=1", "=", "metadata.name==", "a"]),
        ("propagationPolicy", ["Foreground", "Orphan", "Background", "Sometimes"]),
        ("gracePeriodSeconds", ["0", "-1", "abc"]),
        ("orphanDependents", ["true", "false"]),
        ("pretty", ["true", "1"]),
        ("includeObject", ["None", "Object", "Metadata", "Bogus"]),
        ("watch", ["false", "0", "true"]),
        ("unknownParameter", ["x"]),
    ];

    private static void AddOdd(Random random, List<(string Key, string Value)> query, (string Key, string[] Values)[] oddities)
    {
        var (key, values) = oddities[random.Next(oddities.Length)];
        // A watch must end by itself; a list must not turn into an endless watch.
        if (key is "watch" or "timeoutSeconds" && query.Any(q => q.Key == "watch"))
        {
            return;
        }
        var value = values[random.Next(values.Length)];
        if (key == "watch" && value == "true")
        {
            query.Add(("timeoutSeconds", "0"));
        }
        query.Add((key, value));
    }

    private static readonly string[] ContentTypes =
    [
        Json, Yaml, Protobuf, MergePatch, JsonPatch, StrategicPatch, ApplyPatch, "application/cbor", "text/plain", "",
        "application/json; charset=utf-16", "APPLICATION/JSON", "application/x-yaml", "multipart/form-data; boundary=x", "*/*", ";;;",
    ];

    private const string TableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io";

    private static readonly string[] Accepts =
    [
        Protobuf, "application/json;as=Table;v=v1;g=meta.k8s.io", "application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io",
        "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io", "application/json;as=Table;g=wrong", "application/yaml",
        "text/html", "*/*", "application/json;q=0", "application/json;as=APIGroupDiscoveryList;v=v2;g=apidiscovery.k8s.io", ",,;=", $"{Protobuf};as=Table;v=v1;g=meta.k8s.io",
    ];

    private static string MutatePath(Random random, string path) => random.Next(7) switch
    {
        0 => path + "/",
        1 => path + "/" + new[] { "status", "scale", "finalize", "exec", "log", "" }[random.Next(6)],
        2 => ReplaceLastSegment(path, WeirdNames[random.Next(WeirdNames.Length)]),
        3 => path.Replace("/v1/", "/v9/", StringComparison.Ordinal),
        4 => path + "/extra/segments/here",
        5 => path.Replace($"/namespaces/{Fuzz}/", $"/namespaces/{Fuzz}-missing/", StringComparison.Ordinal),
        // Not %00 or other control characters: Kestrel rejects such request targets itself, before any handler runs,
        // with a bare 400 (as Go's net/http does); that is the HTTP layer's answer, not the API server's.
        _ => path + "%C3%28",
    };

    private static readonly string[] WeirdNames =
    [
        // Not "", "." or "..": the client would resolve those to the collection, and a DELETE there is a deletecollection.
        "%20", "a%2Fb", "UPPER", "ünïcødé", "%F0%9F%9A%80", new string('a', 300), "a..b", "-a-", "a%7Fb", "%FF%FE", "%", "a b",
    ];

    private static string ReplaceLastSegment(string path, string segment) => path[..(path.LastIndexOf('/') + 1)] + segment;

    // ---- Body mutations ----

    private static byte[] MutateStructure(Random random, byte[] bytes)
    {
        if (TryParse(bytes) is not { } root)
        {
            return MutateBytes(random, bytes);
        }
        var nodes = new List<JsonNode>();
        Walk(root, nodes);
        var node = nodes[random.Next(nodes.Count)];
        switch (random.Next(6))
        {
            case 0 when node.Parent is not null:
                Replace(node, RandomValue(random, 0));
                break;
            case 1 when node.Parent is JsonObject parent:
                parent.Remove(node.GetPropertyName());
                break;
            case 1 when node.Parent is JsonArray array:
                array.Remove(node);
                break;
            case 2 when node is JsonObject obj:
                obj[RandomKey(random)] = RandomValue(random, 0);
                break;
            case 2 when node is JsonArray array:
                array.Add(RandomValue(random, 0));
                break;
            case 3 when node.Parent is not null:
                Replace(node, Nest(random.Next(2) == 0 ? 1 : random.Next(30, 400), random.Next(2) == 0));
                break;
            case 4:
                // Duplicate keys cannot live in a JsonObject: write them as text.
                return DuplicateKey(random, ToBytes(root));
            default:
                if (node.Parent is not null)
                {
                    Replace(node, Extremes[random.Next(Extremes.Length)]());
                }
                break;
        }
        return ToBytes(root);

        static void Walk(JsonNode node, List<JsonNode> nodes)
        {
            nodes.Add(node);
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (_, child) in obj)
                    {
                        if (child is not null)
                        {
                            Walk(child, nodes);
                        }
                    }
                    break;
                case JsonArray array:
                    foreach (var child in array)
                    {
                        if (child is not null)
                        {
                            Walk(child, nodes);
                        }
                    }
                    break;
            }
        }

        static void Replace(JsonNode node, JsonNode? value)
        {
            switch (node.Parent)
            {
                case JsonObject parent:
                    parent[node.GetPropertyName()] = value;
                    break;
                case JsonArray array:
                    array[node.GetElementIndex()] = value;
                    break;
            }
        }
    }

    /// <summary>The body as a JSON tree, or null when an earlier mutation broke it (or repeated a key, which JsonObject cannot hold).</summary>
    private static JsonNode? TryParse(byte[] bytes)
    {
        try
        {
            var text = Encoding.UTF8.GetString(bytes)
                .Replace("\\ud800", HighSurrogate, StringComparison.Ordinal).Replace("\\udfff", LowSurrogate, StringComparison.Ordinal);
            var root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 100_000 });
            // Children materialize lazily: touch them all now, so that a repeated key throws here; and make sure
            // the tree can be written again (an unpaired surrogate escape that is not a marker cannot).
            Touch(root);
            _ = root?.ToJsonString();
            return root;
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            return null;
        }

        static void Touch(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (_, child) in obj)
                    {
                        Touch(child);
                    }
                    break;
                case JsonArray array:
                    foreach (var child in array)
                    {
                        Touch(child);
                    }
                    break;
            }
        }
    }

    // Lone surrogates cannot live in a .NET string that System.Text.Json will write: they travel as markers and
    // become \u escapes in the final bytes.
    private const string HighSurrogate = "@@HIGH-SURROGATE@@";
    private const string LowSurrogate = "@@LOW-SURROGATE@@";

    private static string Mark(string json) =>
        json.Replace(HighSurrogate, "\\ud800", StringComparison.Ordinal).Replace(LowSurrogate, "\\udfff", StringComparison.Ordinal);

    private static byte[] ToBytes(JsonNode node) => Encoding.UTF8.GetBytes(Mark(node.ToJsonString()));

    /// <summary>The metadata fields the server itself acts on, set to plausible and implausible values.</summary>
    private static readonly (string Field, Func<Random, JsonNode?> Value)[] MetadataOddities =
    [
        ("finalizers", r => new JsonArray("example.com/hold", r.Next(2) == 0 ? "foregroundDeletion" : "orphan")),
        ("finalizers", r => new JsonArray("Not A Finalizer", 5)),
        ("ownerReferences", r => new JsonArray(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["name"] = "configma-0", ["uid"] = Guid.Empty.ToString(), ["controller"] = true, ["blockOwnerDeletion"] = true })),
        ("ownerReferences", r => new JsonArray(new JsonObject { ["apiVersion"] = "", ["kind"] = "", ["name"] = "", ["uid"] = "" }, "x")),
        ("managedFields", r => new JsonArray(new JsonObject { ["manager"] = "m", ["operation"] = r.Next(2) == 0 ? "Apply" : "Bogus", ["apiVersion"] = "v1", ["fieldsType"] = "FieldsV1", ["fieldsV1"] = new JsonObject { ["f:data"] = new JsonObject { ["k:{\"bad"] = new JsonObject(), ["v:[1"] = new JsonObject(), ["i:x"] = new JsonObject() } } })),
        ("managedFields", r => new JsonArray(new JsonObject { ["manager"] = "m", ["fieldsType"] = "FieldsV9", ["fieldsV1"] = "text" })),
        ("resourceVersion", r => r.Next(3) switch { 0 => "1", 1 => "99999999999999999999", _ => "-1" }),
        ("generateName", r => new[] { "gen-", "UPPER-", "", new string('g', 300) }[r.Next(4)]),
        ("name", r => new[] { "", "a", new string('n', 254), "ünïcødé", "with space", "-leading", "x.y" }[r.Next(7)]),
        ("deletionTimestamp", r => "2026-01-01T00:00:00Z"),
        ("uid", r => "not-a-uid"),
        ("creationTimestamp", r => "yesterday"),
        ("generation", r => long.MaxValue),
        ("labels", r => new JsonObject { ["app"] = "fuzz-doomed", ["team"] = "fuzz-doomed", ["bad key!"] = "v", [new string('k', 64)] = new string('v', 64) }),
        ("annotations", r => new JsonObject { ["kubectl.kubernetes.io/last-applied-configuration"] = "{not json", ["big"] = new string('a', 300_000) }),
    ];

    private static byte[] MutateMetadata(Random random, byte[] bytes)
    {
        if (TryParse(bytes) is not JsonObject root)
        {
            return MutateBytes(random, bytes);
        }
        if (root["metadata"] is not JsonObject metadata)
        {
            // A patch: give it metadata to carry the odd field.
            metadata = [];
            root["metadata"] = metadata;
        }
        var (field, value) = MetadataOddities[random.Next(MetadataOddities.Length)];
        metadata[field] = value(random);
        return ToBytes(root);
    }

    /// <summary>Values that break assumptions: huge and odd numbers, odd strings, nulls where objects belong.</summary>
    private static readonly Func<JsonNode?>[] Extremes =
    [
        () => JsonNode.Parse("1e400"),
        () => JsonNode.Parse("-1e400"),
        () => JsonNode.Parse("123456789012345678901234567890"),
        () => JsonNode.Parse("9223372036854775808"),
        () => JsonNode.Parse("-9223372036854775809"),
        () => JsonNode.Parse("2147483648"),
        () => JsonNode.Parse("-0.0"),
        () => JsonNode.Parse("1e-400"),
        () => JsonNode.Parse("0.1"),
        () => HighSurrogate,
        () => JsonNode.Parse("\"\\u0000\""),
        () => LowSurrogate + HighSurrogate + "x",
        () => "🚀🇺🇳\u202eabc\u0301",
        () => new string('x', 70_000),
        () => "",
        () => null,
        () => new JsonObject(),
        () => new JsonArray(),
        () => "2026-13-45T99:99:99Z",
        () => "${jndi:ldap://x}",
    ];

    private static JsonNode? RandomValue(Random random, int depth) => random.Next(depth > 2 ? 6 : 9) switch
    {
        0 => random.Next(-3, 1000),
        1 => random.NextDouble() * 1e6,
        2 => random.Next(2) == 0,
        3 => RandomString(random),
        4 => null,
        5 => Extremes[random.Next(Extremes.Length)](),
        6 => new JsonObject { [RandomKey(random)] = RandomValue(random, depth + 1), [RandomKey(random)] = RandomValue(random, depth + 1) },
        7 => new JsonArray(RandomValue(random, depth + 1), RandomValue(random, depth + 1)),
        _ => new JsonObject { ["name"] = RandomString(random), ["value"] = RandomValue(random, depth + 1) },
    };

    private static readonly string[] Words =
    [
        "a", "fuzz", "name", "spec", "status", "metadata", "labels", "$patch", "$retainKeys", "$setElementOrder/containers", "replicas", "containers",
        "x-kubernetes-list-type", "apiVersion", "kind", "__proto__", "managedFields", "finalizers", "ownerReferences", "resourceVersion", "uid",
    ];

    private static string RandomKey(Random random) => random.Next(3) == 0 ? RandomString(random) : Words[random.Next(Words.Length)];

    private static string RandomString(Random random)
    {
        var length = random.Next(4) == 0 ? random.Next(64, 300) : random.Next(0, 12);
        var chars = new StringBuilder();
        for (var i = 0; i < length; i++)
        {
            chars.Append(random.Next(6) switch
            {
                0 => (char)random.Next(0x20, 0x7f),
                1 => (char)random.Next(0x80, 0x800),
                2 => "-._/:=,()!~".AsSpan()[random.Next(11)],
                3 => "🚀",
                _ => (char)random.Next('a', 'z' + 1),
            });
        }
        return chars.ToString();
    }

    private static JsonNode Nest(int depth, bool arrays)
    {
        JsonNode node = "deep";
        for (var i = 0; i < depth; i++)
        {
            node = arrays ? new JsonArray(node) : new JsonObject { ["d"] = node };
        }
        return node;
    }

    [GeneratedRegex("\\{\"([^\"\\\\]{1,40})\":")]
    private static partial Regex ObjectStart();

    private static byte[] DuplicateKey(Random random, byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var matches = ObjectStart().Matches(text);
        if (matches.Count == 0)
        {
            return bytes;
        }
        var match = matches[random.Next(matches.Count)];
        var duplicate = $"\"{match.Groups[1].Value}\":{Mark(RandomValue(random, 1)?.ToJsonString() ?? "null")},";
        return Encoding.UTF8.GetBytes(text.Insert(match.Index + 1, duplicate));
    }

    private static byte[] MutateBytes(Random random, byte[] bytes)
    {
        var list = new List<byte>(bytes);
        switch (random.Next(7))
        {
            case 0:
                for (var i = 0; i < 1 + random.Next(4) && list.Count > 0; i++)
                {
                    list[random.Next(list.Count)] ^= (byte)(1 << random.Next(8));
                }
                break;
            case 1:
                list.Insert(random.Next(list.Count + 1), (byte)random.Next(256));
                break;
            case 2 when list.Count > 0:
                var start = random.Next(list.Count);
                list.RemoveRange(start, Math.Min(list.Count - start, 1 + random.Next(16)));
                break;
            case 3:
                // Truncate.
                return bytes[..random.Next(bytes.Length + 1)];
            case 4:
                // Splice in a piece of another valid body.
                var other = Encoding.UTF8.GetBytes(Manifest(Targets[random.Next(Targets.Length)], "spliced", Fuzz).ToJsonString());
                var from = random.Next(other.Length);
                list.InsertRange(random.Next(list.Count + 1), other.AsSpan(from, Math.Min(other.Length - from, 1 + random.Next(80))).ToArray());
                break;
            case 5 when list.Count > 0:
                // Repeat a piece.
                var at = random.Next(list.Count);
                var piece = list.GetRange(at, Math.Min(list.Count - at, 1 + random.Next(32)));
                for (var i = 0; i < 1 + random.Next(50); i++)
                {
                    list.InsertRange(at, piece);
                }
                break;
            default:
                list.InsertRange(random.Next(list.Count + 1), Encoding.UTF8.GetBytes(new[] { "\uFEFF", "\u0000", "\\u", "\"", "{", "[", "]", "}", ",", ":", "\xff", "\r\n", "---\n", "&a", "*a", "!!binary " }[random.Next(16)]));
                break;
        }
        return [.. list];
    }

    private static string MutateText(Random random, string text, int times)
    {
        var chars = new StringBuilder(text);
        for (var i = 0; i < random.Next(times + 1); i++)
        {
            var at = random.Next(chars.Length + 1);
            switch (random.Next(3))
            {
                case 0 when at < chars.Length:
                    chars.Remove(at, 1);
                    break;
                case 1:
                    chars.Insert(at, "=!,()<> a.-_/🚀"[random.Next(15)]);
                    break;
                default:
                    break;
            }
        }
        return chars.ToString();
    }

    /// <summary>The same body in another encoding: YAML (block style, or deeply nested flow style) or Kubernetes protobuf.</summary>
    private static (byte[] Body, string? ContentType) Reencode(Random random, byte[] bytes, string? contentType, Target target)
    {
        if (TryParse(bytes) is not { } root)
        {
            return (bytes, contentType);
        }
        var yamlType = contentType == ApplyPatch ? ApplyPatch : Yaml;
        switch (random.Next(4))
        {
            case 0 when root is JsonObject obj && target.Kind is "ConfigMap" or "Secret" or "Namespace":
                return (Proto.Encode(obj, target.Kind), Protobuf);
            case 1:
                var depth = new[] { 10, 100, 300, 5000, 200_000 }[random.Next(5)];
                return (Encoding.UTF8.GetBytes("metadata:\n  name: deep\nspec: " + new string('[', depth) + new string(']', depth) + "\n"), yamlType);
            case 2:
                return (Encoding.UTF8.GetBytes("a: &x [1]\nb: *x\nc: !!binary aGk=\nd: 0x1F\ne: .inf\nf: 1_000\n" + Mark(YamlOf(root, 0))), yamlType);
            default:
                return (Encoding.UTF8.GetBytes(Mark(YamlOf(root, 0))), yamlType);
        }
    }

    /// <summary>Block-style YAML with JSON-quoted scalars (JSON string escapes are valid in YAML double quotes).</summary>
    private static string YamlOf(JsonNode? node, int indent)
    {
        var pad = new string(' ', indent);
        switch (node)
        {
            case JsonObject { Count: > 0 } obj:
                return string.Concat(obj.Select(p => p.Value is JsonObject { Count: > 0 } or JsonArray { Count: > 0 }
                    ? $"{pad}{JsonSerializer.Serialize(p.Key)}:\n{YamlOf(p.Value, indent + 2)}"
                    : $"{pad}{JsonSerializer.Serialize(p.Key)}: {Scalar(p.Value)}\n"));
            case JsonArray { Count: > 0 } array:
                return string.Concat(array.Select(item => item is JsonObject { Count: > 0 } or JsonArray { Count: > 0 }
                    ? $"{pad}-\n{YamlOf(item, indent + 2)}"
                    : $"{pad}- {Scalar(item)}\n"));
            default:
                return pad + Scalar(node) + "\n";
        }

        static string Scalar(JsonNode? value) => value?.ToJsonString() ?? "null";
    }

    /// <summary>Just enough Kubernetes protobuf (k8s\0 + runtime.Unknown) for ConfigMap, Secret and Namespace.</summary>
    private static class Proto
    {
        public static byte[] Encode(JsonObject obj, string kind)
        {
            var metadata = obj["metadata"] as JsonObject;
            var meta = new List<byte>();
            String(meta, 1, (string?)(metadata?["name"] as JsonValue) ?? "");
            String(meta, 3, (string?)(metadata?["namespace"] as JsonValue) ?? "");
            if (metadata?["labels"] is JsonObject labels)
            {
                foreach (var (key, value) in labels)
                {
                    Map(meta, 11, key, Encoding.UTF8.GetBytes(value is JsonValue v && v.TryGetValue<string>(out var s) ? s : ""));
                }
            }
            var raw = new List<byte>();
            Bytes(raw, 1, [.. meta]);
            if (obj["data"] is JsonObject data)
            {
                foreach (var (key, value) in data)
                {
                    Map(raw, 2, key, Encoding.UTF8.GetBytes(value is JsonValue v && v.TryGetValue<string>(out var s) ? s : ""));
                }
            }
            var typeMeta = new List<byte>();
            String(typeMeta, 1, "v1");
            String(typeMeta, 2, kind);
            var unknown = new List<byte>();
            Bytes(unknown, 1, [.. typeMeta]);
            Bytes(unknown, 2, [.. raw]);
            return [0x6b, 0x38, 0x73, 0x00, .. unknown];
        }

        private static void Map(List<byte> into, int field, string key, byte[] value)
        {
            var entry = new List<byte>();
            String(entry, 1, key);
            Bytes(entry, 2, value);
            Bytes(into, field, [.. entry]);
        }

        private static void String(List<byte> into, int field, string value) => Bytes(into, field, Encoding.UTF8.GetBytes(value));

        private static void Bytes(List<byte> into, int field, byte[] value)
        {
            Varint(into, (ulong)((field << 3) | 2));
            Varint(into, (ulong)value.Length);
            into.AddRange(value);
        }

        private static void Varint(List<byte> into, ulong value)
        {
            while (value >= 0x80)
            {
                into.Add((byte)(value | 0x80));
                value >>= 7;
            }
            into.Add((byte)value);
        }
    }
}
