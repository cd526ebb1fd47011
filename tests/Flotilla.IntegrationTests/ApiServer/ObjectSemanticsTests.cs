using System.Globalization;
using System.Text.Json.Nodes;
using Flotilla.Testing;
using static Flotilla.IntegrationTests.ApiServer.KubeHttp;

namespace Flotilla.IntegrationTests.ApiServer;

/// <summary>
/// Object semantics over real HTTPS: optimistic concurrency, server-owned metadata, generation, status isolation,
/// no-op writes and finalizers.
/// </summary>
public sealed class ObjectSemanticsTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";
    private const string Deployments = "/apis/apps/v1/namespaces/default/deployments";
    private const string Crds = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

    [Fact]
    public async Task Update_StaleResourceVersion_ConflictAndNothingChanges()
    {
        await using var server = await TestApiServer.StartAsync();
        using var client = server.CreateHttpClient();
        var original = await CreateObjectAsync(client, Deployments, Deployment("web"));
        var current = await PatchObjectAsync(client, $"{Deployments}/web", Parse("""{"metadata":{"labels":{"team":"a"}}}"""));

        var stale = original.DeepClone().AsObject();
        stale["spec"]!["replicas"] = 5;
        var status = await ExpectFailureAsync(client, 409, "Conflict", HttpMethod.Put, $"{Deployments}/web", stale);
        AssertJsonEqual(Parse("""
            {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
             "message":"Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified; please apply your changes to the latest version and try again",
             "reason":"Conflict","details":{"name":"web","group":"apps","kind":"deployments"},"code":409}
            """), status);

        // /status honours the body's resourceVersion too.
        var staleStatus = original.DeepClone().AsObject();
        staleStatus["status"] = Parse("""{"observedGeneration":1}""");
        await ExpectFailureAsync(client, 409, "Conflict", HttpMethod.Put, $"{Deployments}/web/status", staleStatus);

        AssertJsonEqual(current, await GetObjectAsync(client, $"{Deployments}/web"));
    }

    [Theory]
    [InlineData("test")]
    [InlineData("replace")]
    public async Task JsonPatch_StaleResourceVersionTestedOrReplaced_Conflict(string op)
    {
        await using var server = await TestApiServer.StartAsync();
        using var client = server.CreateHttpClient();
        var original = await CreateObjectAsync(client, ConfigMaps, ConfigMap("default", "cm"));
        var current = await PatchObjectAsync(client, $"{ConfigMaps}/cm", Parse("""{"data":{"value":"v2"}}"""));

        JsonNode Patch(string resourceVersion) => JsonNode.Parse($$$"""
            [{"op":"{{{op}}}","path":"/metadata/resourceVersion","value":"{{{resourceVersion}}}"},{"op":"replace","path":"/data/value","value":"patched"}]
            """)!;
        await ExpectFailureAsync(client, 409, "Conflict", HttpMethod.Patch, $"{ConfigMaps}/cm", Patch(ResourceVersion(original)), JsonPatch);
        AssertJsonEqual(current, await GetObjectAsync(client, $"{ConfigMaps}/cm"));

        // The same patch against the current resourceVersion applies.
        var patched = await PatchObjectAsync(client, $"{ConfigMaps}/cm", Patch(ResourceVersion(current)), JsonPatch);
        Assert.Equal("patched", (string?)patched["data"]!["value"]);
        Assert.True(Revision(patched) > Revision(current));
    }

    [Fact]
    public async Task Delete_StalePreconditions_ConflictAndTheObjectStays()
    {
        await using var server = await TestApiServer.StartAsync();
        using var client = server.CreateHttpClient();
        var original = await CreateObjectAsync(client, ConfigMaps, ConfigMap("default", "cm"));
        var current = await PatchObjectAsync(client, $"{ConfigMaps}/cm", Parse("""{"data":{"value":"v2"}}"""));
        var uid = (string)current["metadata"]!["uid"]!;

        var staleVersion = await ExpectFailureAsync(client, 409, "Conflict", HttpMethod.Delete, $"{ConfigMaps}/cm",
            Parse($$$"""{"kind":"DeleteOptions","apiVersion":"v1","preconditions":{"resourceVersion":"{{{ResourceVersion(original)}}}"}}"""));
        Assert.Contains("Precondition failed: ResourceVersion in precondition", (string?)staleVersion["message"], StringComparison.Ordinal);
        var wrongUid = await ExpectFailureAsync(client, 409, "Conflict", HttpMethod.Delete, $"{ConfigMaps}/cm",
            Parse("""{"kind":"DeleteOptions","apiVersion":"v1","preconditions":{"uid":"00000000-0000-0000-0000-000000000000"}}"""));
        Assert.Contains("Precondition failed: UID in precondition", (string?)wrongUid["message"], StringComparison.Ordinal);
        AssertJsonEqual(current, await GetObjectAsync(client, $"{ConfigMaps}/cm"));

        await DeleteObjectAsync(client, $"{ConfigMaps}/cm",
            Parse($$$"""{"kind":"DeleteOptions","apiVersion":"v1","preconditions":{"uid":"{{{uid}}}","resourceVersion":"{{{ResourceVersion(current)}}}"}}"""));
        await ExpectFailureAsync(client, 404, "NotFound", HttpMethod.Get, $"{ConfigMaps}/cm");
    }

    [Fact]
    public async Task Create_ExistingName_AlreadyExistsAndTheFirstStays()
    {
        await using var server = await TestApiServer.StartAsync();
        using var client = server.CreateHttpClient();
        var first = await CreateObjectAsync(client, ConfigMaps, ConfigMap("default", "dup", "first"));

        var status = await ExpectFailureAsync(client, 409, "AlreadyExists", HttpMethod.Post, ConfigMaps, ConfigMap("default", "dup", "second"));
        Assert.Equal("configmaps \"dup\" already exists", (string?)status["message"]);
        Assert.Equal(("dup", "configmaps"), ((string?)status["details"]!["name"], (string?)status["details"]!["kind"]));
        AssertJsonEqual(first, await GetObjectAsync(client, $"{ConfigMaps}/dup"));
    }

    [Fact]
    public async Task Update_Deployment_GenerationCountsSpecChangesOnly()
    {
        await using var server = await TestApiServer.StartAsync();
        using var client = server.CreateHttpClient();
        var path = $"{Deployments}/web";
        var generations = new List<long> { Generation(await CreateObjectAsync(client, Deployments, Deployment("web"))) };

        generations.Add(Generation(await PatchObjectAsync(client, path, Parse("""{"metadata":{"labels":{"team":"a"}}}"""))));
        generations.Add(Generation(await PatchObjectAsync(client, path, Parse("""{"metadata":{"annotations":{"note":"n"}}}"""))));
        generations.Add(Generation(await PatchObjectAsync(client, path, Parse("""{"metadata":{"finalizers":["example.com/keep"]}}"""))));
        generations.Add(Generation(await PatchObjectAsync(client, $"{path}/status", Parse("""{"status":{"observedGeneration":1,"replicas":2}}"""))));
        // A client cannot set generation.
        var current = await GetObjectAsync(client, path);
        current["metadata"]!["generation"] = 42;
        current["metadata"]!["labels"]!["team"] = "b";
        generations.Add(Generation(await PutObjectAsync(client, path, current)));
        generations.Add(Generation(await PatchObjectAsync(client, path, Parse("""{"spec":{"replicas":3}}"""))));
        current = await GetObjectAsync(client, path);
        current["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "nginx:1.27";
        generations.Add(Generation(await PutObjectAsync(client, path, current)));
        generations.Add(Generation(await PatchObjectAsync(client, path, Parse("""{"metadata":{"finalizers":null}}"""))));

        Assert.Equal<long>([1, 1, 1, 1, 1, 1, 2, 3, 3], generations);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Update_CustomResource_GenerationCountsSpecAndWithoutStatusSubresourceStatusChanges(bool statusSubresource)
    {
        await using var server = await TestApiServer.StartAsync();
        using var client = server.CreateHttpClient();
        var collection = await CreateCrdAsync(client, statusSubresource);
        var path = $"{collection}/one";

        var created = await CreateObjectAsync(client, collection, Gizmo(collection, "one"));
        // With a status subresource a create carries no status; without one, status is ordinary content.
        int? createdStatus = statusSubresource ? null : 5;
        Assert.Equal(createdStatus, (int?)created["status"]?["observedGeneration"]);
        var generations = new List<long> { Generation(created) };
        generations.Add(Generation(await PatchObjectAsync(client, path, Parse("""{"metadata":{"labels":{"team":"a"}}}"""))));
        generations.Add(Generation(await PatchObjectAsync(client, path, Parse("""{"metadata":{"annotations":{"note":"n"}}}"""))));
        var statusPatch = Parse("""{"status":{"observedGeneration":7}}""");
        var statusChanged = statusSubresource
            ? await PatchObjectAsync(client, $"{path}/status", statusPatch)
            : await PatchObjectAsync(client, path, statusPatch);
        Assert.Equal(7, (int?)statusChanged["status"]!["observedGeneration"]);
        generations.Add(Generation(statusChanged));
        generations.Add(Generation(await PatchObjectAsync(client, path, Parse("""{"spec":{"replicas":2}}"""))));

        long[] expected = statusSubresource ? [1, 1, 1, 1, 2] : [1, 1, 1, 2, 3];
        Assert.Equal(expected, generations);
    }

    [Theory]
    [InlineData("deployment")]
    [InlineData("custom")]
    public async Task Update_StatusSubresource_MainWritesIgnoreStatusAndStatusWritesIgnoreTheRest(string kind)
    {
        await using var server = await TestApiServer.StartAsync();
        using var client = server.CreateHttpClient();
        var collection = kind == "deployment" ? Deployments : await CreateCrdAsync(client, statusSubresource: true);
        var body = kind == "deployment" ? Deployment("subject") : Gizmo(collection, "subject");
        var path = $"{collection}/subject";
        var created = await CreateObjectAsync(client, collection, body);

        // PUT /status: only status is taken.
        var statusPut = created.DeepClone().AsObject();
        statusPut["spec"]!["replicas"] = 9;
        statusPut["metadata"]!["labels"] = Parse("""{"extra":"x"}""");
        statusPut["status"] = Parse("""{"observedGeneration":1}""");
        var expected = created.DeepClone().AsObject();
        expected["status"] = Parse("""{"observedGeneration":1}""");
        var afterStatusPut = await PutObjectAsync(client, $"{path}/status", statusPut);
        AssertJsonEqual(WithoutWriteStamps(expected), WithoutWriteStamps(afterStatusPut));

        // PATCH /status: the same.
        var afterStatusPatch = await PatchObjectAsync(client, $"{path}/status",
            Parse("""{"spec":{"replicas":8},"metadata":{"labels":{"other":"y"}},"status":{"observedGeneration":2}}"""));
        expected["status"] = Parse("""{"observedGeneration":2}""");
        AssertJsonEqual(WithoutWriteStamps(expected), WithoutWriteStamps(afterStatusPatch));

        // PUT on the object: status is kept as stored, the rest is taken.
        var mainPut = afterStatusPatch.DeepClone().AsObject();
        mainPut["spec"]!["replicas"] = 4;
        mainPut["status"] = Parse("""{"observedGeneration":99}""");
        var afterMainPut = await PutObjectAsync(client, path, mainPut);
        expected["spec"]!["replicas"] = 4;
        expected["metadata"]!["generation"] = 2;
        AssertJsonEqual(WithoutWriteStamps(expected), WithoutWriteStamps(afterMainPut));

        // PATCH on the object touching only status changes nothing at all.
        var afterMainPatch = await PatchObjectAsync(client, path, Parse("""{"status":{"observedGeneration":100}}"""));
        AssertJsonEqual(afterMainPut, afterMainPatch);
    }

    [Fact]
    public async Task CreateAndUpdate_ClientSetsServerOwnedMetadata_ServerValuesKept()
    {
        await using var server = await TestApiServer.StartAsync();
        using var client = server.CreateHttpClient();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var body = ConfigMap("default", "cm");
        body["metadata"]!["uid"] = "11111111-1111-1111-1111-111111111111";
        body["metadata"]!["creationTimestamp"] = "2001-01-01T00:00:00Z";
        body["metadata"]!["deletionTimestamp"] = "2001-01-01T00:00:00Z";

        var created = await CreateObjectAsync(client, ConfigMaps, body);
        var after = DateTimeOffset.UtcNow.AddSeconds(1);
        var uid = (string)created["metadata"]!["uid"]!;
        var creationTimestamp = (string)created["metadata"]!["creationTimestamp"]!;
        Assert.True(Guid.TryParse(uid, out _), $"uid {uid} is not a UUID");
        Assert.NotEqual("11111111-1111-1111-1111-111111111111", uid);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", creationTimestamp);
        Assert.InRange(DateTimeOffset.Parse(creationTimestamp, CultureInfo.InvariantCulture), before, after);
        Assert.Null(created["metadata"]!["deletionTimestamp"]);

        var put = created.DeepClone().AsObject();
        put["metadata"]!["uid"] = "22222222-2222-2222-2222-222222222222";
        put["metadata"]!["creationTimestamp"] = "2001-01-01T00:00:00Z";
        put["data"]!["value"] = "v2";
        var updated = await PutObjectAsync(client, $"{ConfigMaps}/cm", put);
        Assert.Equal((uid, creationTimestamp, "v2"),
            ((string?)updated["metadata"]!["uid"], (string?)updated["metadata"]!["creationTimestamp"], (string?)updated["data"]!["value"]));

        // A patch that only tries to change them changes nothing, not even the resourceVersion.
        var patched = await PatchObjectAsync(client, $"{ConfigMaps}/cm",
            Parse("""{"metadata":{"uid":"33333333-3333-3333-3333-333333333333","creationTimestamp":"2002-02-02T00:00:00Z"}}"""));
        AssertJsonEqual(updated, patched);
    }

    [Fact]
    public async Task Create_GenerateName_ServerAppendsFiveRandomCharacters()
    {
        await using var server = await TestApiServer.StartAsync();
        using var client = server.CreateHttpClient();
        var body = ConfigMap("default", "ignored");
        body["metadata"]!.AsObject().Remove("name");
        body["metadata"]!["generateName"] = "gen-";

        var first = await CreateObjectAsync(client, ConfigMaps, body);
        var second = await CreateObjectAsync(client, ConfigMaps, body);

        Assert.Matches("^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$", Name(first));
        Assert.Matches("^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$", Name(second));
        Assert.NotEqual(Name(first), Name(second));
        Assert.Equal("gen-", (string?)first["metadata"]!["generateName"]);
        AssertJsonEqual(first, await GetObjectAsync(client, $"{ConfigMaps}/{Name(first)}"));
    }

    [Fact]
    public async Task Create_ResourceVersionSet_BadRequestAndNothingCreated()
    {
        await using var server = await TestApiServer.StartAsync();
        using var client = server.CreateHttpClient();
        var body = ConfigMap("default", "cm");
        body["metadata"]!["resourceVersion"] = "5";

        var status = await ExpectFailureAsync(client, 400, "BadRequest", HttpMethod.Post, ConfigMaps, body);
        Assert.Equal("resourceVersion should not be set on objects to be created", (string?)status["message"]);
        await ExpectFailureAsync(client, 404, "NotFound", HttpMethod.Get, $"{ConfigMaps}/cm");
    }

    [Fact]
    public async Task Update_NoChange_SameResourceVersionAndNoWatchEvent()
    {
        await using var server = await TestApiServer.StartAsync();
        using var client = server.CreateHttpClient();
        var cm = await CreateObjectAsync(client, ConfigMaps, ConfigMap("default", "cm", labels: new JsonObject { ["app"] = "a" }));
        await CreateObjectAsync(client, ConfigMaps, ConfigMap("default", "marker"));
        var listed = ResourceVersion(await GetObjectAsync(client, ConfigMaps));
        await using var watch = await HttpWatch.OpenAsync(client, $"{ConfigMaps}?watch=true&resourceVersion={listed}");

        AssertJsonEqual(cm, await PutObjectAsync(client, $"{ConfigMaps}/cm", cm));
        AssertJsonEqual(cm, await ExpectAsync(client, 200, HttpMethod.Put, $"{ConfigMaps}/cm?fieldManager=someone-else", cm));
        AssertJsonEqual(cm, await PatchObjectAsync(client, $"{ConfigMaps}/cm", Parse("""{"data":{"value":"v"},"metadata":{"labels":{"app":"a"}}}""")));
        AssertJsonEqual(cm, await PatchObjectAsync(client, $"{ConfigMaps}/cm", JsonNode.Parse("""[{"op":"test","path":"/data/value","value":"v"}]""")!, JsonPatch));
        AssertJsonEqual(cm, await GetObjectAsync(client, $"{ConfigMaps}/cm"));

        // Had any no-op written, its event would come before the marker's.
        var marker = await PatchObjectAsync(client, $"{ConfigMaps}/marker", Parse("""{"data":{"value":"changed"}}"""));
        var next = await watch.ExpectAsync("the marker's change, the first event after the no-op writes");
        Assert.Equal("MODIFIED", next.Type);
        AssertJsonEqual(marker, next.Object);
    }

    [Fact]
    public async Task Delete_WithFinalizers_MarksDeletingUntilTheLastFinalizerGoes()
    {
        await using var server = await TestApiServer.StartAsync();
        using var client = server.CreateHttpClient();
        var path = $"{ConfigMaps}/held";
        var body = ConfigMap("default", "held");
        body["metadata"]!["finalizers"] = new JsonArray("example.com/hold");
        var created = await CreateObjectAsync(client, ConfigMaps, body);
        await using var watch = await HttpWatch.OpenAsync(client, $"{ConfigMaps}?watch=true&resourceVersion={ResourceVersion(created)}");

        // DELETE marks the object: deletionTimestamp and a zero grace period, finalizers untouched.
        var marked = await DeleteObjectAsync(client, path);
        var deletionTimestamp = (string?)marked["metadata"]!["deletionTimestamp"];
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", deletionTimestamp);
        var expected = WithoutWriteStamps(created);
        expected["metadata"]!["deletionTimestamp"] = deletionTimestamp;
        expected["metadata"]!["deletionGracePeriodSeconds"] = 0;
        AssertJsonEqual(expected, WithoutWriteStamps(marked));
        Assert.True(Revision(marked) > Revision(created));
        AssertJsonEqual(marked, await GetObjectAsync(client, path));

        // While deleting: no new finalizers; DELETE again changes nothing; deletionTimestamp cannot be cleared.
        var refused = await ExpectFailureAsync(client, 422, "Invalid", HttpMethod.Patch, path,
            Parse("""{"metadata":{"finalizers":["example.com/hold","example.com/another"]}}"""), MergePatch);
        Assert.Contains("no new finalizers can be added if the object is being deleted", (string?)refused["message"], StringComparison.Ordinal);
        AssertJsonEqual(marked, await DeleteObjectAsync(client, path));
        var clearing = marked.DeepClone().AsObject();
        clearing["metadata"]!.AsObject().Remove("deletionTimestamp");
        clearing["data"]!["value"] = "still here";
        var updated = await PutObjectAsync(client, path, clearing);
        Assert.Equal(deletionTimestamp, (string?)updated["metadata"]!["deletionTimestamp"]);

        // Removing the last finalizer deletes the object, with a new resourceVersion.
        var final = await PatchObjectAsync(client, path, Parse("""{"metadata":{"finalizers":null}}"""));
        Assert.True(Revision(final) > Revision(updated));
        await ExpectFailureAsync(client, 404, "NotFound", HttpMethod.Get, path);

        var events = await watch.ReadAsync(3, "the deletion's events");
        Assert.Equal(["MODIFIED", "MODIFIED", "DELETED"], events.Select(e => e.Type));
        AssertJsonEqual(marked, events[0].Object);
        AssertJsonEqual(updated, events[1].Object);
        AssertJsonEqual(final, events[2].Object);
        Assert.Null(events[2].Object["metadata"]!["finalizers"]);
        Assert.Equal(deletionTimestamp, (string?)events[2].Object["metadata"]!["deletionTimestamp"]);
    }

    private static long Generation(JsonObject obj) => (long)obj["metadata"]!["generation"]!;

    private static JsonObject Deployment(string name) => Parse("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"@name@","namespace":"default","labels":{"app":"web"}},
         "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
          "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.25"}]}}}}
        """.Replace("@name@", name, StringComparison.Ordinal));

    /// <summary>Creates a namespaced CRD (Sprocket with a status subresource, Cog without) and returns its collection path in default.</summary>
    private static async Task<string> CreateCrdAsync(HttpClient client, bool statusSubresource)
    {
        var (kind, plural) = statusSubresource ? ("Sprocket", "sprockets") : ("Cog", "cogs");
        var subresources = statusSubresource ? "\"subresources\":{\"status\":{}}," : "";
        await CreateObjectAsync(client, Crds, Parse("""
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"@plural@.semantics.flotilla.io"},
             "spec":{"group":"semantics.flotilla.io","scope":"Namespaced",
              "names":{"kind":"@kind@","plural":"@plural@","singular":"@singular@","listKind":"@kind@List"},
              "versions":[{"name":"v1","served":true,"storage":true,@subresources@
               "schema":{"openAPIV3Schema":{"type":"object","properties":{
                "spec":{"type":"object","properties":{"replicas":{"type":"integer"},"color":{"type":"string"}}},
                "status":{"type":"object","properties":{"observedGeneration":{"type":"integer"}}}}}}}]}}
            """
            .Replace("@plural@", plural, StringComparison.Ordinal)
            .Replace("@kind@", kind, StringComparison.Ordinal)
            .Replace("@singular@", kind.ToLowerInvariant(), StringComparison.Ordinal)
            .Replace("@subresources@", subresources, StringComparison.Ordinal)));
        var collection = $"/apis/semantics.flotilla.io/v1/namespaces/default/{plural}";
        await Eventually.WaitAsync($"{plural} served", async () => (await CallAsync(client, HttpMethod.Get, collection)).Code == 200);
        return collection;
    }

    /// <summary>A custom resource of the kind <paramref name="collection"/> serves, with a spec and a status.</summary>
    private static JsonObject Gizmo(string collection, string name) => Parse($$$"""
        {"apiVersion":"semantics.flotilla.io/v1","kind":"{{{(collection.EndsWith("/sprockets", StringComparison.Ordinal) ? "Sprocket" : "Cog")}}}",
         "metadata":{"name":"{{{name}}}","namespace":"default"},"spec":{"replicas":1,"color":"red"},"status":{"observedGeneration":5}}
        """);
}
