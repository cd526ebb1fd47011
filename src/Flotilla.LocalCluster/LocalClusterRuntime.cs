using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.LocalCluster.Common;
using Flotilla.LocalCluster.Networking;
using Flotilla.LocalCluster.Nodes;
using Flotilla.LocalCluster.Responder;
using Flotilla.LocalCluster.Workloads;
using Flotilla.Runtime;
using Flotilla.Runtime.Controllers;
using Flotilla.Runtime.WorkQueue;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Flotilla.LocalCluster;

/// <summary>One node of a local cluster, as it registers: name, address, pod range and zone.</summary>
/// <param name="Name">The Node's name, <c>&lt;cluster&gt;-node-&lt;i&gt;</c>.</param>
/// <param name="Address">Its <c>InternalIP</c>, which its pods report as <c>hostIP</c>.</param>
/// <param name="PodCidr">Its <c>spec.podCIDR</c>: its pods' addresses come from here.</param>
/// <param name="Zone">Its <c>topology.kubernetes.io/zone</c>; null when none.</param>
public sealed record LocalNode(string Name, string Address, string PodCidr, string? Zone);

/// <summary>
/// What a real cluster's kubelets and kube-controller-manager do, for a cluster with an API server but no nodes or
/// container runtime (our embedded API server, typically): Node objects with capacity and heartbeats; a scheduler;
/// Deployments, ReplicaSets, StatefulSets, DaemonSets and Jobs turned into pods with upstream's names, statuses and
/// rollouts; pods run by simulated kubelets, each with a distinct loopback IP and a kuard-like HTTP responder on
/// every container port; EndpointSlices and Endpoints for Services. Everything goes through the Kubernetes API
/// (informers and the REST client), never storage, so it would run against any API server.
/// </summary>
/// <example>
/// <code>
/// await using var cluster = new LocalClusterRuntime(new LocalClusterOptions { ClusterName = "member-1", ClusterIndex = 1 });
/// await cluster.StartAsync(client, cancellationToken);   // nodes registered and Ready when this returns
/// </code>
/// </example>
public sealed class LocalClusterRuntime : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan ControllerShutdown = TimeSpan.FromSeconds(5);

    private readonly ClusterLayout _layout;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private KubernetesClient? _client;
    private SharedInformerFactory? _factory;
    private ControllerManager? _manager;
    private Kubelet.SimulatedKubelet? _kubelet;
    private EventSinks? _events;
    private bool _started;
    private bool _disposed;

    /// <summary>A runtime for the cluster <paramref name="options"/> describe; nothing runs until <see cref="StartAsync(KubernetesClient, CancellationToken)"/>.</summary>
    /// <exception cref="ArgumentException">An option is missing or out of range; the message names it.</exception>
    public LocalClusterRuntime(LocalClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _layout = ClusterLayout.From(options);
        _logger = options.LoggerFactory.CreateLogger("Flotilla.LocalCluster");
        Nodes = [.. _layout.Nodes.Select(n => new LocalNode(n.Name, n.Address, n.PodCidr.ToString(), n.Zone))];
    }

    /// <summary>A runtime bound to <paramref name="client"/>, for hosting as an <see cref="IHostedService"/>.</summary>
    public LocalClusterRuntime(KubernetesClient client, LocalClusterOptions options)
        : this(options)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
    }

    /// <summary>The options in effect.</summary>
    public LocalClusterOptions Options { get; }

    /// <summary>The nodes this runtime registers and runs pods on.</summary>
    public IReadOnlyList<LocalNode> Nodes { get; }

    /// <summary>Pods whose containers are running on this runtime's nodes now.</summary>
    public int RunningPods => _kubelet?.RunningCount ?? 0;

    /// <summary>Starts with the client given at construction.</summary>
    /// <exception cref="InvalidOperationException">No client was given at construction.</exception>
    public Task StartAsync(CancellationToken cancellationToken) =>
        StartAsync(_client ?? throw new InvalidOperationException("Construct the runtime with a KubernetesClient, or call StartAsync(client, cancellationToken)."), cancellationToken);

    /// <summary>
    /// Starts every controller against the API server <paramref name="client"/> talks to, on one shared informer
    /// factory, and completes once the informers have synced and every node is registered and Ready. If the server
    /// never accepts the nodes (no rights to write them, say), it waits until <paramref name="cancellationToken"/> is
    /// cancelled: give it a deadline. The client's rate limit bounds how fast pods start; the runtime writes a few
    /// requests per pod, so a client with a generous <c>QueriesPerSecond</c> (or 0, unlimited) suits it.
    /// </summary>
    /// <exception cref="InvalidOperationException">Already started, or disposed.</exception>
    public async Task StartAsync(KubernetesClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_started)
            {
                throw new InvalidOperationException($"The local cluster runtime of {Options.ClusterName} was already started; a runtime runs once.");
            }
            _started = true;
            _client = client;
        }
        LocalClusterLog.Starting(_logger, Options.ClusterName, _layout.Nodes.Count, Options.EffectivePodCidr);
        var options = Options;
        var factory = new SharedInformerFactory(client, new InformerOptions { Time = options.Time, LoggerFactory = options.LoggerFactory });
        _factory = factory;
        var events = new EventSinks(client, options);
        _events = events;

        var nodes = factory.For(Kinds.Nodes);
        var pods = factory.For(Kinds.Pods);
        var services = factory.For(Kinds.Services);
        var endpoints = factory.For(Kinds.Endpoints);
        var slices = factory.For(Kinds.EndpointSlices);
        var deployments = factory.For(Kinds.Deployments);
        var replicaSets = factory.For(Kinds.ReplicaSets);
        var statefulSets = factory.For(Kinds.StatefulSets);
        var daemonSets = factory.For(Kinds.DaemonSets);
        var jobs = factory.For(Kinds.Jobs);
        Indexes.AddControllerUid(pods);
        Indexes.AddNodeName(pods);
        Indexes.AddControllerUid(replicaSets);

        var podClient = client.Resource(Kinds.Pods);
        var time = options.Time;
        ILogger Log(string category) => options.LoggerFactory.CreateLogger("Flotilla.LocalCluster." + category);
        var components = new List<IHostedService>();
        Controller<NamespacedName> Add(string name, IReconciler<NamespacedName> reconciler, int workers, params SharedInformer[] reads)
        {
            var controller = new Controller<NamespacedName>(name, new RequeueOnConflict<NamespacedName>(reconciler),
                new ControllerOptions { Workers = workers, ShutdownTimeout = ControllerShutdown, Time = time, LoggerFactory = options.LoggerFactory },
                new MaxOfRateLimiter<NamespacedName>(
                    new ExponentialBackoffRateLimiter<NamespacedName>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(30), jitter: 0.1),
                    new BucketRateLimiter<NamespacedName>(tokensPerSecond: 50, burst: 500, time)));
            components.Add(new CacheSyncedController<NamespacedName>(controller, reads, time: time, loggerFactory: options.LoggerFactory));
            return controller;
        }

        // Nodes first: everything else waits for somewhere to run.
        var nodeController = Add("node-lifecycle", new NodeController(_layout, nodes.Lister, client.Resource(Kinds.Nodes), client.Resource(Kinds.Leases), time, Log("Nodes")), 1, nodes);
        nodeController.Queue.EnqueueObjects(nodes, n => _layout.Find(n.Name()) is not null);
        foreach (var node in _layout.Nodes)
        {
            nodeController.Queue.Add(NamespacedName.ClusterScoped(node.Name));
        }

        var scheduler = new Kubelet.PodScheduler(pods.Lister, nodes.Lister, podClient, events.For("default-scheduler"), time, Log("Scheduler"));
        scheduler.Watch(pods, nodes, Add("scheduler", scheduler, 1, pods, nodes).Queue);

        var responder = new PodResponder(time, Log("Responder"));
        var kubelet = new Kubelet.SimulatedKubelet(_layout, pods.Lister, podClient, responder, node => events.For("kubelet", node), time, Log("Kubelet"));
        _kubelet = kubelet;
        Add("kubelet", kubelet, 4, pods).Queue.EnqueueObjects(pods, kubelet.IsOurs);

        var replicaSetController = new ReplicaSetController(replicaSets.Lister, pods.Lister, client.Resource(Kinds.ReplicaSets), podClient,
            events.For("replicaset-controller"), time, Log("ReplicaSets"));
        var rsQueue = Add("replicaset", replicaSetController, 2, replicaSets, pods).Queue;
        rsQueue.EnqueueObjects(replicaSets);
        replicaSetController.WatchPods(pods, rsQueue);

        var deploymentController = new DeploymentController(deployments.Lister, replicaSets.Lister, pods.Lister, client.Resource(Kinds.Deployments),
            client.Resource(Kinds.ReplicaSets), events.For("deployment-controller"), time);
        var deploymentQueue = Add("deployment", deploymentController, 2, deployments, replicaSets, pods).Queue;
        deploymentQueue.EnqueueObjects(deployments);
        deploymentQueue.EnqueueOwners(replicaSets, Kinds.Deployments);
        deploymentController.WatchPodDeletions(pods, deploymentQueue);

        var statefulSetController = new StatefulSetController(statefulSets.Lister, pods.Lister, client.Resource(Kinds.StatefulSets), podClient,
            events.For("statefulset-controller"), time, Log("StatefulSets"));
        var stsQueue = Add("statefulset", statefulSetController, 1, statefulSets, pods).Queue;
        stsQueue.EnqueueObjects(statefulSets);
        statefulSetController.WatchPods(pods, stsQueue);

        var daemonSetController = new DaemonSetController(daemonSets.Lister, pods.Lister, nodes.Lister, client.Resource(Kinds.DaemonSets), podClient,
            events.For("daemonset-controller"), time, Log("DaemonSets"));
        var dsQueue = Add("daemonset", daemonSetController, 1, daemonSets, pods, nodes).Queue;
        dsQueue.EnqueueObjects(daemonSets);
        daemonSetController.Watch(pods, nodes, dsQueue);

        var jobController = new JobController(jobs.Lister, pods.Lister, client.Resource(Kinds.Jobs), podClient, events.For("job-controller"), time, Log("Jobs"));
        var jobQueue = Add("job", jobController, 1, jobs, pods).Queue;
        jobQueue.EnqueueObjects(jobs);
        jobController.WatchPods(pods, jobQueue);

        var sliceController = new EndpointSliceController(services.Lister, pods.Lister, nodes.Lister, slices.Lister, client.Resource(Kinds.EndpointSlices), time, Log("EndpointSlices"));
        sliceController.Watch(services, pods, slices, Add("endpointslice", sliceController, 2, services, pods, nodes, slices).Queue);

        var endpointsController = new EndpointsController(services.Lister, pods.Lister, endpoints.Lister, client.Resource(Kinds.Endpoints));
        endpointsController.Watch(services, pods, endpoints, sliceController, Add("endpoints", endpointsController, 1, services, pods, endpoints).Queue);

        // Completes once all our nodes are registered and Ready, as the caller may schedule pods at once.
        var nodesReady = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void CheckNodes(JsonObject _)
        {
            if (_layout.Nodes.All(n => nodes.Lister.Get(null, n.Name) is { } node && StatusConditions.IsTrue(node["status"] as JsonObject, "Ready")))
            {
                nodesReady.TrySetResult();
            }
        }
        using var nodeWatch = nodes.AddEventHandler(onAdd: CheckNodes, onUpdate: (_, node) => CheckNodes(node));

        var manager = new ControllerManager(components);
        _manager = manager;
        factory.Start();
        await manager.StartAsync(cancellationToken).ConfigureAwait(false);
        await nodesReady.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        LocalClusterLog.Started(_logger, Options.ClusterName);
    }

    /// <summary>Stops the controllers (in-flight reconciles get until <paramref name="cancellationToken"/> is cancelled), closes every pod listener, and stops the informers.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_manager is { } manager)
        {
            await manager.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        await DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Stops everything at once. The objects written stay; a new runtime on the same server picks them up (pods keep their IPs).</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
        }
        if (_manager is { } manager)
        {
            await manager.DisposeAsync().ConfigureAwait(false);
        }
        if (_kubelet is { } kubelet)
        {
            await kubelet.DisposeAsync().ConfigureAwait(false);
        }
        if (_factory is { } factory)
        {
            await factory.DisposeAsync().ConfigureAwait(false);
        }
        if (_events is { } events)
        {
            await events.DisposeAsync().ConfigureAwait(false);
        }
        if (_started)
        {
            LocalClusterLog.Stopped(_logger, Options.ClusterName);
        }
    }
}
