namespace Flotilla.IntegrationTests.ApiServer;

/// <summary>Manifests the kubectl tests apply, as users write them.</summary>
internal static class Manifests
{
    public static string App(string image = "nginx:1.25", int replicas = 2, string envValue = "1", string configValue = "value1") => $$"""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: demo
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: app-config
          namespace: demo
        data:
          key: {{configValue}}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: demo
          labels:
            app: web
        spec:
          replicas: {{replicas}}
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
              - name: nginx
                image: {{image}}
                ports:
                - containerPort: 80
                env:
                - name: A
                  value: "{{envValue}}"
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          namespace: demo
        spec:
          selector:
            app: web
          ports:
          - port: 80
            targetPort: 80
        """;

    /// <summary>A cluster-scoped CRD shaped like the fleet's: printer columns (one priority 1), status subresource, a default.</summary>
    public const string WidgetCrd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.example.flotilla.io
        spec:
          group: example.flotilla.io
          scope: Cluster
          names:
            kind: Widget
            plural: widgets
            singular: widget
            shortNames: [wg]
            categories: [fleet-test]
          versions:
          - name: v1
            served: true
            storage: true
            subresources:
              status: {}
            additionalPrinterColumns:
            - name: Size
              type: integer
              jsonPath: .spec.size
            - name: Color
              type: string
              jsonPath: .spec.color
            - name: Ready
              type: string
              jsonPath: .status.conditions[?(@.type=="Ready")].status
            - name: Mode
              type: string
              priority: 1
              jsonPath: .spec.mode
            - name: Age
              type: date
              jsonPath: .metadata.creationTimestamp
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    properties:
                      size:
                        type: integer
                        minimum: 0
                      color:
                        type: string
                      mode:
                        type: string
                        enum: [Fast, Slow]
                        default: Slow
                  status:
                    type: object
                    properties:
                      conditions:
                        type: array
                        items:
                          type: object
                          properties:
                            type: {type: string}
                            status: {type: string}
        """;

    public static string Widget(string name = "w1", int size = 3, string color = "blue", string? extraLabel = null) => $$"""
        apiVersion: example.flotilla.io/v1
        kind: Widget
        metadata:
          name: {{name}}
          labels:
            tier: front
        {{(extraLabel is null ? "" : $"    {extraLabel}: \"yes\"")}}
        spec:
          size: {{size}}
          color: {{color}}
        """;
}
