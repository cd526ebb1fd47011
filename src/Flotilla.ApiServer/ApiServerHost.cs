using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.ApiServer.Controllers;
using Flotilla.ApiServer.Core;
using Flotilla.ApiServer.Http;
using Flotilla.ApiServer.Registry;
using Flotilla.ApiServer.Security;
using Flotilla.ApiServer.Validation;
using Flotilla.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flotilla.ApiServer;

/// <summary>Which storage backend serves the objects.</summary>
public enum StorageBackend
{
    Sqlite,
    Memory,
}

/// <summary>How to run one API server.</summary>
public sealed class ApiServerOptions
{
    /// <summary>Holds the database, TLS material, token file and kubeconfig.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The address to listen on; any 127.0.0.0/8 address works without set-up.</summary>
    public string Address { get; init; } = "127.0.0.1";

    /// <summary>0 picks a free port.</summary>
    public int Port { get; init; } = 6443;

    public StorageBackend Storage { get; init; } = StorageBackend.Sqlite;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>How often idle watches get a bookmark.</summary>
    public TimeSpan WatchBookmarkInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Tuning of the store (event window, watcher buffers, batch size).</summary>
    public ResourceStoreOptions? StoreOptions { get; init; }

    /// <summary>
    /// CustomResourceDefinitions the server serves from its first request on: created when missing and updated when
    /// their spec differs, at every start (a fleet's CRDs, say).
    /// </summary>
    public IReadOnlyList<JsonObject> CustomResourceDefinitions { get; init; } = [];

    /// <summary>
    /// The Service ClusterIP range (a CIDR such as <c>127.201.0.0/16</c>). When set, new Services get a ClusterIP from
    /// it, as kube-apiserver's <c>--service-cluster-ip-range</c>; when null, Services keep whatever they were given.
    /// </summary>
    public string? ServiceClusterIpRange { get; init; }

    /// <summary>
    /// The cluster, context and user names in the kubeconfig the server writes (<c>&lt;name&gt;</c>, <c>&lt;name&gt;</c>,
    /// <c>&lt;name&gt;-admin</c>), so kubeconfigs of several servers merge without clashing.
    /// </summary>
    public string KubeconfigName { get; init; } = "flotilla";

    /// <summary>
    /// Run the fleet hub's admission webhooks in-process (upstream's hub agent serves them): placement, member cluster,
    /// override and eviction defaulting and validation. The CEL rules of fleet CRDs are enforced either way.
    /// </summary>
    public bool FleetAdmission { get; init; }
}

/// <summary>
/// A running Kubernetes-compatible API server: storage, the HTTPS endpoint (bearer tokens required except for
/// version and health), and the built-in controllers (garbage collection, namespace and CRD lifecycle).
/// </summary>
public sealed class ApiServerHost : IAsyncDisposable
{
    /// <summary>The namespaces every cluster has from the start.</summary>
    private static readonly string[] InitialNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

    /// <summary>Requests any client may make without a token, as upstream allows anonymously.</summary>
    private static readonly string[] PublicPaths = ["/version", "/healthz", "/livez", "/readyz"];

    private readonly WebApplication _app;
    private readonly IResourceStore _store;
    private readonly ServerControllers _controllers;
    private readonly CancellationTokenSource _stopping;
    private int _disposed;

    private ApiServerHost(
        WebApplication app, IResourceStore store, ServerControllers controllers, CancellationTokenSource stopping, Uri url, string kubeconfigPath, string token,
        CertificateAuthority ca)
    {
        _app = app;
        _store = store;
        _controllers = controllers;
        _stopping = stopping;
        Url = url;
        KubeconfigPath = kubeconfigPath;
        Token = token;
        CertificateAuthority = ca;
    }

    /// <summary>The HTTPS URL the server listens on (with the actual port when 0 was asked).</summary>
    public Uri Url { get; }

    /// <summary><c>DIR/kubeconfig</c>: server URL, CA data and the admin token.</summary>
    public string KubeconfigPath { get; }

    public string Token { get; }

    public CertificateAuthority CertificateAuthority { get; }

    public static async Task<ApiServerHost> StartAsync(ApiServerOptions options, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(options.DataDirectory);
        var time = options.Time;
        var ca = CertificateAuthority.LoadOrCreate(Path.Combine(options.DataDirectory, "pki"), options.Address, time);
        var tokens = TokenFile.LoadOrCreate(Path.Combine(options.DataDirectory, "tokens.csv"));
        IResourceStore store = options.Storage switch
        {
            StorageBackend.Memory => new MemoryResourceStore(options.StoreOptions),
            _ => await SqliteResourceStore.OpenAsync(Path.Combine(options.DataDirectory, "state.db"), options.StoreOptions, cancellationToken).ConfigureAwait(false),
        };

        var registry = new ResourceRegistry();
        var admission = new Admission(registry, time, new FleetAdmission(store, registry, options.FleetAdmission));
        var serviceAddresses = new ServiceAddresses(options.ServiceClusterIpRange is { } range ? IPNetwork.Parse(range) : null);
        var service = new ResourceService(store, registry, admission, time, serviceAddresses);
        admission.RegisterStoredDefinitions(store);
        await CreateInitialNamespacesAsync(service, cancellationToken).ConfigureAwait(false);
        await InstallCustomResourceDefinitionsAsync(service, options.CustomResourceDefinitions, cancellationToken).ConfigureAwait(false);
        var controllers = new ServerControllers(service, options.LoggerFactory.CreateLogger<ServerControllers>());
        controllers.Start();

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton(options.LoggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = RequestBody.MaxBytes + 1;
            // Watches are long-lived and may be idle for minutes; bookmarks keep them from looking dead.
            kestrel.Limits.MinResponseDataRate = null;
            kestrel.Limits.Http2.MaxStreamsPerConnection = 1000;
            kestrel.Listen(IPAddress.Parse(options.Address), options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(ca.ServingCertificate);
            });
        });
        var app = builder.Build();

        var snapshots = new ListSnapshots(time);
        var responses = new Responses(time);
        // Fired first on disposal: open watches end cleanly, so stopping Kestrel need not wait for them or abort them.
        var stopping = new CancellationTokenSource();
        var watches = new WatchHandler(service, responses, time, new WatchSettings(options.WatchBookmarkInterval), stopping.Token);
        var resources = new ResourceHandler(service, snapshots, watches, responses);
        var serverAddress = "";
        var discovery = new DiscoveryDocuments(registry, () => serverAddress);
        var router = new ApiRouter(service, discovery, new OpenApiDocuments(registry), resources, responses, () => controllers.Synced,
            options.LoggerFactory.CreateLogger<ApiRouter>());
        app.Run(async context =>
        {
            if (!IsPublic(context.Request.Path) && !Authenticated(context.Request, tokens))
            {
                await ApiRouter.WriteErrorAsync(context, new ApiException(401, "Unauthorized", "Unauthorized")).ConfigureAwait(false);
                return;
            }
            await router.HandleAsync(context).ConfigureAwait(false);
        });
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var url = new Uri($"https://{FormatHost(options.Address)}:{bound.Port}");
        serverAddress = $"{FormatHost(options.Address)}:{bound.Port}";
        var kubeconfig = Path.Combine(options.DataDirectory, "kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, Kubeconfig(options.KubeconfigName, url, ca, tokens.AdminToken), cancellationToken).ConfigureAwait(false);
        return new ApiServerHost(app, store, controllers, stopping, url, kubeconfig, tokens.AdminToken, ca);
    }

    /// <summary>Stops serving (ending open watches), stops the controllers, then flushes and closes storage.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        // Watches never end on their own; without this, StopAsync would wait out its timeout and then abort them.
        await _stopping.CancelAsync().ConfigureAwait(false);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        await _controllers.DisposeAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        await _store.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private static async Task CreateInitialNamespacesAsync(ResourceService service, CancellationToken cancellationToken)
    {
        var namespaces = service.Registry.Find("", "v1", "namespaces")!;
        foreach (var name in InitialNamespaces)
        {
            if (service.GetRaw(namespaces, null, name) is null)
            {
                var ns = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = name } };
                await service.CreateAsync(namespaces, null, ns, RequestOptions.System("flotilla-apiserver"), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task InstallCustomResourceDefinitionsAsync(ResourceService service, IReadOnlyList<JsonObject> crds, CancellationToken cancellationToken)
    {
        var definitions = service.Registry.Find("apiextensions.k8s.io", "v1", "customresourcedefinitions")!;
        var options = RequestOptions.System("flotilla-apiserver");
        foreach (var desired in crds)
        {
            var crd = (JsonObject)desired.DeepClone();
            var name = crd.Name();
            if (service.GetRaw(definitions, null, name) is not { } stored)
            {
                await service.CreateAsync(definitions, null, crd, options, cancellationToken).ConfigureAwait(false);
                continue;
            }
            var current = ResourceService.Decode(definitions, stored);
            if (JsonNode.DeepEquals(current["spec"], StoredSpec(crd)))
            {
                continue;
            }
            current["spec"] = crd["spec"]!.DeepClone();
            await service.UpdateAsync(definitions, null, name, null, current, options, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The spec <paramref name="crd"/> would have once stored (defaults applied), to compare with what is stored.</summary>
    private static JsonNode? StoredSpec(JsonObject crd)
    {
        var probe = (JsonObject)crd.DeepClone();
        CrdDefaults.Apply(probe);
        return probe["spec"];
    }

    private static bool IsPublic(PathString path) =>
        PublicPaths.Any(p => path.Equals(p, StringComparison.Ordinal) || path.StartsWithSegments(p, StringComparison.Ordinal));

    private static bool Authenticated(HttpRequest request, TokenFile tokens)
    {
        var header = request.Headers.Authorization.ToString();
        const string Bearer = "Bearer ";
        return header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) && tokens.Authenticate(header[Bearer.Length..].Trim()) is not null;
    }

    private static string FormatHost(string address) =>
        IPAddress.TryParse(address, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address;

    private static string Kubeconfig(string name, Uri url, CertificateAuthority ca, string token)
    {
        var caData = Convert.ToBase64String(Encoding.UTF8.GetBytes(ca.CertificatePem));
        return $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: {name}
              cluster:
                server: {url.ToString().TrimEnd('/')}
                certificate-authority-data: {caData}
            contexts:
            - name: {name}
              context:
                cluster: {name}
                user: {name}-admin
                namespace: default
            current-context: {name}
            users:
            - name: {name}-admin
              user:
                token: {token}

            """;
    }
}
