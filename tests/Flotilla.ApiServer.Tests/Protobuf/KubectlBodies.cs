using System.Text.Json.Nodes;

namespace Flotilla.ApiServer.Tests.Protobuf;

/// <summary>
/// Request bodies captured from kubectl v1.32.4 (<c>/usr/bin/kubectl</c> pointed at a logging fake server reporting
/// v1.32.0), each with the JSON kubectl itself prints for the same command under <c>--dry-run=client -o json</c>,
/// minus <c>status</c>, nulls and empty objects: the object the decoder must produce.
/// </summary>
internal static class KubectlBodies
{
    public sealed record Fixture(string Name, string Command, string Path, string Base64, string ExpectedJson)
    {
        public byte[] Body => Convert.FromBase64String(Base64);

        public JsonObject Expected => JsonNode.Parse(ExpectedJson)!.AsObject();

        public override string ToString() => Name;
    }

    public static readonly Fixture Namespace = new(
        "namespace",
        "kubectl create namespace demo",
        "/api/v1/namespaces",
        "azhzAAoPCgJ2MRIJTmFtZXNwYWNlEhwKFAoEZGVtbxIAGgAiACoAMgA4AEIAEgAaAgoAGgAiAA==",
        """
        {
          "kind": "Namespace",
          "apiVersion": "v1",
          "metadata": {
            "name": "demo"
          }
        }
        """);

    public static readonly Fixture ConfigMap = new(
        "configmap",
        "kubectl create configmap app-config --from-literal=color=blue --from-literal=size=large -n default",
        "/api/v1/namespaces/default/configmaps",
        "azhzAAoPCgJ2MRIJQ29uZmlnTWFwEkEKIQoKYXBwLWNvbmZpZxIAGgdkZWZhdWx0IgAqADIAOABCABINCgVjb2xvchIEYmx1ZRINCgRzaXplEgVsYXJnZRoAIgA=",
        """
        {
          "kind": "ConfigMap",
          "apiVersion": "v1",
          "metadata": {
            "name": "app-config",
            "namespace": "default"
          },
          "data": {
            "color": "blue",
            "size": "large"
          }
        }
        """);

    public static readonly Fixture Secret = new(
        "secret",
        "kubectl create secret generic db-creds --from-literal=user=admin --from-literal=password='s3cr=t!' -n default",
        "/api/v1/namespaces/default/secrets",
        "azhzAAoMCgJ2MRIGU2VjcmV0EkcKHwoIZGItY3JlZHMSABoHZGVmYXVsdCIAKgAyADgAQgASEwoIcGFzc3dvcmQSB3MzY3I9dCESDQoEdXNlchIFYWRtaW4aABoAIgA=",
        """
        {
          "kind": "Secret",
          "apiVersion": "v1",
          "metadata": {
            "name": "db-creds",
            "namespace": "default"
          },
          "data": {
            "password": "czNjcj10IQ==",
            "user": "YWRtaW4="
          }
        }
        """);

    public static readonly Fixture SecretDockerRegistry = new(
        "secret_docker",
        "kubectl create secret docker-registry regcred --docker-server=registry.example.com --docker-username=u --docker-password=p --docker-email=e@x.io -n default",
        "/api/v1/namespaces/default/secrets",
        "azhzAAoMCgJ2MRIGU2VjcmV0ErgBCh4KB3JlZ2NyZWQSABoHZGVmYXVsdCIAKgAyADgAQgASdgoRLmRvY2tlcmNvbmZpZ2pzb24SYXsiYXV0aHMiOnsicmVnaXN0cnkuZXhhbXBsZS5jb20iOnsidXNlcm5hbWUiOiJ1IiwicGFzc3dvcmQiOiJwIiwiZW1haWwiOiJlQHguaW8iLCJhdXRoIjoiZFRwdyJ9fX0aHmt1YmVybmV0ZXMuaW8vZG9ja2VyY29uZmlnanNvbhoAIgA=",
        """
        {
          "kind": "Secret",
          "apiVersion": "v1",
          "metadata": {
            "name": "regcred",
            "namespace": "default"
          },
          "data": {
            ".dockerconfigjson": "eyJhdXRocyI6eyJyZWdpc3RyeS5leGFtcGxlLmNvbSI6eyJ1c2VybmFtZSI6InUiLCJwYXNzd29yZCI6InAiLCJlbWFpbCI6ImVAeC5pbyIsImF1dGgiOiJkVHB3In19fQ=="
          },
          "type": "kubernetes.io/dockerconfigjson"
        }
        """);

    public static readonly Fixture Deployment = new(
        "deployment",
        "kubectl create deployment web --image=nginx:1.27 --replicas=3 --port=80 -n default",
        "/apis/apps/v1/namespaces/default/deployments",
        "azhzAAoVCgdhcHBzL3YxEgpEZXBsb3ltZW50EsQBCiYKA3dlYhIAGgdkZWZhdWx0IgAqADIAOABCAFoKCgNhcHASA3dlYhKLAQgDEgwKCgoDYXBwEgN3ZWIacQocCgASABoAIgAqADIAOABCAFoKCgNhcHASA3dlYhJREjMKBW5naW54EgpuZ2lueDoxLjI3KgAyCgoAEAAYUCIAKgBCAGoAcgCAAQCIAQCQAQCiAQAaADIAQgBKAFIAWABgAGgAggEAigEAmgEAwgEAIgIKACgAOAAaDAgAEAAYACAAKAA4ABoAIgA=",
        """
        {
          "kind": "Deployment",
          "apiVersion": "apps/v1",
          "metadata": {
            "name": "web",
            "namespace": "default",
            "labels": {
              "app": "web"
            }
          },
          "spec": {
            "replicas": 3,
            "selector": {
              "matchLabels": {
                "app": "web"
              }
            },
            "template": {
              "metadata": {
                "labels": {
                  "app": "web"
                }
              },
              "spec": {
                "containers": [
                  {
                    "name": "nginx",
                    "image": "nginx:1.27",
                    "ports": [
                      {
                        "containerPort": 80
                      }
                    ]
                  }
                ]
              }
            }
          }
        }
        """);

    public static readonly Fixture DeploymentWithCommand = new(
        "deployment_min",
        "kubectl create deployment api --image=busybox:1.36 -n default -- sleep 3600",
        "/apis/apps/v1/namespaces/default/deployments",
        "azhzAAoVCgdhcHBzL3YxEgpEZXBsb3ltZW50EskBCiYKA2FwaRIAGgdkZWZhdWx0IgAqADIAOABCAFoKCgNhcHASA2FwaRKQAQgBEgwKCgoDYXBwEgNhcGkadgocCgASABoAIgAqADIAOABCAFoKCgNhcHASA2FwaRJWEjgKB2J1c3lib3gSDGJ1c3lib3g6MS4zNhoFc2xlZXAaBDM2MDAqAEIAagByAIABAIgBAJABAKIBABoAMgBCAEoAUgBYAGAAaACCAQCKAQCaAQDCAQAiAgoAKAA4ABoMCAAQABgAIAAoADgAGgAiAA==",
        """
        {
          "kind": "Deployment",
          "apiVersion": "apps/v1",
          "metadata": {
            "name": "api",
            "namespace": "default",
            "labels": {
              "app": "api"
            }
          },
          "spec": {
            "replicas": 1,
            "selector": {
              "matchLabels": {
                "app": "api"
              }
            },
            "template": {
              "metadata": {
                "labels": {
                  "app": "api"
                }
              },
              "spec": {
                "containers": [
                  {
                    "name": "busybox",
                    "image": "busybox:1.36",
                    "command": [
                      "sleep",
                      "3600"
                    ]
                  }
                ]
              }
            }
          }
        }
        """);

    public static readonly Fixture DeploymentTwoImages = new(
        "deployment_multi",
        "kubectl create deployment multi --image=nginx:1.27 --image=redis:7 -n default",
        "/apis/apps/v1/namespaces/default/deployments",
        "azhzAAoVCgdhcHBzL3YxEgpEZXBsb3ltZW50EucBCioKBW11bHRpEgAaB2RlZmF1bHQiACoAMgA4AEIAWgwKA2FwcBIFbXVsdGkSqgEIARIOCgwKA2FwcBIFbXVsdGkajQEKHgoAEgAaACIAKgAyADgAQgBaDAoDYXBwEgVtdWx0aRJrEicKBW5naW54EgpuZ2lueDoxLjI3KgBCAGoAcgCAAQCIAQCQAQCiAQASJAoFcmVkaXMSB3JlZGlzOjcqAEIAagByAIABAIgBAJABAKIBABoAMgBCAEoAUgBYAGAAaACCAQCKAQCaAQDCAQAiAgoAKAA4ABoMCAAQABgAIAAoADgAGgAiAA==",
        """
        {
          "kind": "Deployment",
          "apiVersion": "apps/v1",
          "metadata": {
            "name": "multi",
            "namespace": "default",
            "labels": {
              "app": "multi"
            }
          },
          "spec": {
            "replicas": 1,
            "selector": {
              "matchLabels": {
                "app": "multi"
              }
            },
            "template": {
              "metadata": {
                "labels": {
                  "app": "multi"
                }
              },
              "spec": {
                "containers": [
                  {
                    "name": "nginx",
                    "image": "nginx:1.27"
                  },
                  {
                    "name": "redis",
                    "image": "redis:7"
                  }
                ]
              }
            }
          }
        }
        """);

    public static readonly Fixture Service = new(
        "service",
        "kubectl create service clusterip web --tcp=80:8080 -n default",
        "/api/v1/namespaces/default/services",
        "azhzAAoNCgJ2MRIHU2VydmljZRJwCiYKA3dlYhIAGgdkZWZhdWx0IgAqADIAOABCAFoKCgNhcHASA3dlYhJCChsKBzgwLTgwODASA1RDUBhQIgcIABCQPxoAKAASCgoDYXBwEgN3ZWIaACIJQ2x1c3RlcklQOgBCAFIAWgBgAGgAGgIKABoAIgA=",
        """
        {
          "kind": "Service",
          "apiVersion": "v1",
          "metadata": {
            "name": "web",
            "namespace": "default",
            "labels": {
              "app": "web"
            }
          },
          "spec": {
            "ports": [
              {
                "name": "80-8080",
                "protocol": "TCP",
                "port": 80,
                "targetPort": 8080
              }
            ],
            "selector": {
              "app": "web"
            },
            "type": "ClusterIP"
          }
        }
        """);

    public static readonly Fixture ServiceNodePort = new(
        "service_nodeport",
        "kubectl create service nodeport np --tcp=5678:8080 --node-port=30080 -n default",
        "/api/v1/namespaces/default/services",
        "azhzAAoNCgJ2MRIHU2VydmljZRJxCiQKAm5wEgAaB2RlZmF1bHQiACoAMgA4AEIAWgkKA2FwcBICbnASRQogCgk1Njc4LTgwODASA1RDUBiuLCIHCAAQkD8aACiA6wESCQoDYXBwEgJucBoAIghOb2RlUG9ydDoAQgBSAFoAYABoABoCCgAaACIA",
        """
        {
          "kind": "Service",
          "apiVersion": "v1",
          "metadata": {
            "name": "np",
            "namespace": "default",
            "labels": {
              "app": "np"
            }
          },
          "spec": {
            "ports": [
              {
                "name": "5678-8080",
                "protocol": "TCP",
                "port": 5678,
                "targetPort": 8080,
                "nodePort": 30080
              }
            ],
            "selector": {
              "app": "np"
            },
            "type": "NodePort"
          }
        }
        """);

    public static readonly Fixture ServiceLoadBalancer = new(
        "service_lb",
        "kubectl create service loadbalancer lb --tcp=443:8443 -n default",
        "/api/v1/namespaces/default/services",
        "azhzAAoNCgJ2MRIHU2VydmljZRJyCiQKAmxiEgAaB2RlZmF1bHQiACoAMgA4AEIAWgkKA2FwcBICbGISRgodCgg0NDMtODQ0MxIDVENQGLsDIgcIABD7QRoAKAASCQoDYXBwEgJsYhoAIgxMb2FkQmFsYW5jZXI6AEIAUgBaAGAAaAAaAgoAGgAiAA==",
        """
        {
          "kind": "Service",
          "apiVersion": "v1",
          "metadata": {
            "name": "lb",
            "namespace": "default",
            "labels": {
              "app": "lb"
            }
          },
          "spec": {
            "ports": [
              {
                "name": "443-8443",
                "protocol": "TCP",
                "port": 443,
                "targetPort": 8443
              }
            ],
            "selector": {
              "app": "lb"
            },
            "type": "LoadBalancer"
          }
        }
        """);

    public static readonly Fixture ServiceExternalName = new(
        "service_ext",
        "kubectl create service externalname ext --external-name=example.com -n default",
        "/api/v1/namespaces/default/services",
        "azhzAAoNCgJ2MRIHU2VydmljZRJhCiYKA2V4dBIAGgdkZWZhdWx0IgAqADIAOABCAFoKCgNhcHASA2V4dBIzEgoKA2FwcBIDZXh0GgAiDEV4dGVybmFsTmFtZToAQgBSC2V4YW1wbGUuY29tWgBgAGgAGgIKABoAIgA=",
        """
        {
          "kind": "Service",
          "apiVersion": "v1",
          "metadata": {
            "name": "ext",
            "namespace": "default",
            "labels": {
              "app": "ext"
            }
          },
          "spec": {
            "selector": {
              "app": "ext"
            },
            "type": "ExternalName",
            "externalName": "example.com"
          }
        }
        """);

    public static readonly Fixture ServiceHeadless = new(
        "service_headless",
        "kubectl create service clusterip hl --clusterip=None -n default",
        "/api/v1/namespaces/default/services",
        "azhzAAoNCgJ2MRIHU2VydmljZRJUCiQKAmhsEgAaB2RlZmF1bHQiACoAMgA4AEIAWgkKA2FwcBICaGwSKBIJCgNhcHASAmhsGgROb25lIglDbHVzdGVySVA6AEIAUgBaAGAAaAAaAgoAGgAiAA==",
        """
        {
          "kind": "Service",
          "apiVersion": "v1",
          "metadata": {
            "name": "hl",
            "namespace": "default",
            "labels": {
              "app": "hl"
            }
          },
          "spec": {
            "selector": {
              "app": "hl"
            },
            "clusterIP": "None",
            "type": "ClusterIP"
          }
        }
        """);

    public static readonly Fixture Job = new(
        "job",
        "kubectl create job pi --image=perl:5.34 -n default -- perl -e 'print 1'",
        "/apis/batch/v1/namespaces/default/jobs",
        "azhzAAoPCghiYXRjaC92MRIDSm9iEpYBChkKAnBpEgAaB2RlZmF1bHQiACoAMgA4AEIAEm8ybQoQCgASABoAIgAqADIAOABCABJZEjYKAnBpEglwZXJsOjUuMzQaBHBlcmwaAi1lGgdwcmludCAxKgBCAGoAcgCAAQCIAQCQAQCiAQAaBU5ldmVyMgBCAEoAUgBYAGAAaACCAQCKAQCaAQDCAQAaCCAAKAAwADoAGgAiAA==",
        """
        {
          "kind": "Job",
          "apiVersion": "batch/v1",
          "metadata": {
            "name": "pi",
            "namespace": "default"
          },
          "spec": {
            "template": {
              "spec": {
                "containers": [
                  {
                    "name": "pi",
                    "image": "perl:5.34",
                    "command": [
                      "perl",
                      "-e",
                      "print 1"
                    ]
                  }
                ],
                "restartPolicy": "Never"
              }
            }
          }
        }
        """);

    public static readonly Fixture JobWithoutCommand = new(
        "job_min",
        "kubectl create job hello --image=busybox -n default",
        "/apis/batch/v1/namespaces/default/jobs",
        "azhzAAoPCghiYXRjaC92MRIDSm9iEocBChwKBWhlbGxvEgAaB2RlZmF1bHQiACoAMgA4AEIAEl0yWwoQCgASABoAIgAqADIAOABCABJHEiQKBWhlbGxvEgdidXN5Ym94KgBCAGoAcgCAAQCIAQCQAQCiAQAaBU5ldmVyMgBCAEoAUgBYAGAAaACCAQCKAQCaAQDCAQAaCCAAKAAwADoAGgAiAA==",
        """
        {
          "kind": "Job",
          "apiVersion": "batch/v1",
          "metadata": {
            "name": "hello",
            "namespace": "default"
          },
          "spec": {
            "template": {
              "spec": {
                "containers": [
                  {
                    "name": "hello",
                    "image": "busybox"
                  }
                ],
                "restartPolicy": "Never"
              }
            }
          }
        }
        """);

    public static readonly Fixture ServiceAccount = new(
        "serviceaccount",
        "kubectl create serviceaccount builder -n default",
        "/api/v1/namespaces/default/serviceaccounts",
        "azhzAAoUCgJ2MRIOU2VydmljZUFjY291bnQSIAoeCgdidWlsZGVyEgAaB2RlZmF1bHQiACoAMgA4AEIAGgAiAA==",
        """
        {
          "kind": "ServiceAccount",
          "apiVersion": "v1",
          "metadata": {
            "name": "builder",
            "namespace": "default"
          }
        }
        """);

    public static readonly Fixture CronJob = new(
        "cronjob",
        "kubectl create cronjob nightly --image=busybox --schedule='*/5 * * * *' -n default -- echo hi",
        "/apis/batch/v1/namespaces/default/cronjobs",
        "azhzAAoTCghiYXRjaC92MRIHQ3JvbkpvYhK/AQoeCgduaWdodGx5EgAaB2RlZmF1bHQiACoAMgA4AEIAEpoBCgsqLzUgKiAqICogKhoAKogBChcKB25pZ2h0bHkSABoAIgAqADIAOABCABJtMmsKEAoAEgAaACIAKgAyADgAQgASVxIwCgduaWdodGx5EgdidXN5Ym94GgRlY2hvGgJoaSoAQgBqAHIAgAEAiAEAkAEAogEAGglPbkZhaWx1cmUyAEIASgBSAFgAYABoAIIBAIoBAJoBAMIBABoAGgAiAA==",
        """
        {
          "kind": "CronJob",
          "apiVersion": "batch/v1",
          "metadata": {
            "name": "nightly",
            "namespace": "default"
          },
          "spec": {
            "schedule": "*/5 * * * *",
            "jobTemplate": {
              "metadata": {
                "name": "nightly"
              },
              "spec": {
                "template": {
                  "spec": {
                    "containers": [
                      {
                        "name": "nightly",
                        "image": "busybox",
                        "command": [
                          "echo",
                          "hi"
                        ]
                      }
                    ],
                    "restartPolicy": "OnFailure"
                  }
                }
              }
            }
          }
        }
        """);

    public static readonly Fixture Role = new(
        "role",
        "kubectl create role pod-reader --verb=get,list,watch --resource=pods,deployments.apps --resource-name=a -n default",
        "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles",
        "azhzAAokChxyYmFjLmF1dGhvcml6YXRpb24uazhzLmlvL3YxEgRSb2xlEmwKIQoKcG9kLXJlYWRlchIAGgdkZWZhdWx0IgAqADIAOABCABIdCgNnZXQKBGxpc3QKBXdhdGNoEgAaBHBvZHMiAWESKAoDZ2V0CgRsaXN0CgV3YXRjaBIEYXBwcxoLZGVwbG95bWVudHMiAWEaACIA",
        """
        {
          "kind": "Role",
          "apiVersion": "rbac.authorization.k8s.io/v1",
          "metadata": {
            "name": "pod-reader",
            "namespace": "default"
          },
          "rules": [
            {
              "verbs": [
                "get",
                "list",
                "watch"
              ],
              "apiGroups": [
                ""
              ],
              "resources": [
                "pods"
              ],
              "resourceNames": [
                "a"
              ]
            },
            {
              "verbs": [
                "get",
                "list",
                "watch"
              ],
              "apiGroups": [
                "apps"
              ],
              "resources": [
                "deployments"
              ],
              "resourceNames": [
                "a"
              ]
            }
          ]
        }
        """);

    public static readonly Fixture ClusterRoleAggregated = new(
        "clusterrole_agg",
        "kubectl create clusterrole agg --aggregation-rule=foo=bar",
        "/apis/rbac.authorization.k8s.io/v1/clusterroles",
        "azhzAAorChxyYmFjLmF1dGhvcml6YXRpb24uazhzLmlvL3YxEgtDbHVzdGVyUm9sZRIlChMKA2FnZxIAGgAiACoAMgA4AEIAGg4KDAoKCgNmb28SA2JhchoAIgA=",
        """
        {
          "kind": "ClusterRole",
          "apiVersion": "rbac.authorization.k8s.io/v1",
          "metadata": {
            "name": "agg"
          },
          "aggregationRule": {
            "clusterRoleSelectors": [
              {
                "matchLabels": {
                  "foo": "bar"
                }
              }
            ]
          }
        }
        """);

    public static readonly Fixture RoleBinding = new(
        "rolebinding",
        "kubectl create rolebinding rb --role=pod-reader --user=alice --group=devs --serviceaccount=default:builder -n default",
        "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings",
        "azhzAAorChxyYmFjLmF1dGhvcml6YXRpb24uazhzLmlvL3YxEgtSb2xlQmluZGluZxLIAQoZCgJyYhIAGgdkZWZhdWx0IgAqADIAOABCABIqCgRVc2VyEhlyYmFjLmF1dGhvcml6YXRpb24uazhzLmlvGgVhbGljZSIAEioKBUdyb3VwEhlyYmFjLmF1dGhvcml6YXRpb24uazhzLmlvGgRkZXZzIgASJAoOU2VydmljZUFjY291bnQSABoHYnVpbGRlciIHZGVmYXVsdBotChlyYmFjLmF1dGhvcml6YXRpb24uazhzLmlvEgRSb2xlGgpwb2QtcmVhZGVyGgAiAA==",
        """
        {
          "kind": "RoleBinding",
          "apiVersion": "rbac.authorization.k8s.io/v1",
          "metadata": {
            "name": "rb",
            "namespace": "default"
          },
          "subjects": [
            {
              "kind": "User",
              "apiGroup": "rbac.authorization.k8s.io",
              "name": "alice"
            },
            {
              "kind": "Group",
              "apiGroup": "rbac.authorization.k8s.io",
              "name": "devs"
            },
            {
              "kind": "ServiceAccount",
              "name": "builder",
              "namespace": "default"
            }
          ],
          "roleRef": {
            "apiGroup": "rbac.authorization.k8s.io",
            "kind": "Role",
            "name": "pod-reader"
          }
        }
        """);

    public static readonly Fixture ClusterRoleBinding = new(
        "clusterrolebinding",
        "kubectl create clusterrolebinding crb --clusterrole=reader --user=bob",
        "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
        "azhzAAoyChxyYmFjLmF1dGhvcml6YXRpb24uazhzLmlvL3YxEhJDbHVzdGVyUm9sZUJpbmRpbmcScQoTCgNjcmISABoAIgAqADIAOABCABIoCgRVc2VyEhlyYmFjLmF1dGhvcml6YXRpb24uazhzLmlvGgNib2IiABowChlyYmFjLmF1dGhvcml6YXRpb24uazhzLmlvEgtDbHVzdGVyUm9sZRoGcmVhZGVyGgAiAA==",
        """
        {
          "kind": "ClusterRoleBinding",
          "apiVersion": "rbac.authorization.k8s.io/v1",
          "metadata": {
            "name": "crb"
          },
          "subjects": [
            {
              "kind": "User",
              "apiGroup": "rbac.authorization.k8s.io",
              "name": "bob"
            }
          ],
          "roleRef": {
            "apiGroup": "rbac.authorization.k8s.io",
            "kind": "ClusterRole",
            "name": "reader"
          }
        }
        """);

    public static readonly Fixture Quota = new(
        "quota",
        "kubectl create quota q --hard=cpu=2,memory=1Gi,pods=10 --scopes=NotBestEffort -n default",
        "/api/v1/namespaces/default/resourcequotas",
        "azhzAAoTCgJ2MRINUmVzb3VyY2VRdW90YRJYChgKAXESABoHZGVmYXVsdCIAKgAyADgAQgASOgoKCgNjcHUSAwoBMgoPCgZtZW1vcnkSBQoDMUdpCgwKBHBvZHMSBAoCMTASDU5vdEJlc3RFZmZvcnQaABoAIgA=",
        """
        {
          "kind": "ResourceQuota",
          "apiVersion": "v1",
          "metadata": {
            "name": "q",
            "namespace": "default"
          },
          "spec": {
            "hard": {
              "cpu": "2",
              "memory": "1Gi",
              "pods": "10"
            },
            "scopes": [
              "NotBestEffort"
            ]
          }
        }
        """);

    public static readonly Fixture Pdb = new(
        "pdb",
        "kubectl create poddisruptionbudget pdb1 --selector=app=web --min-available=2 -n default",
        "/apis/policy/v1/namespaces/default/poddisruptionbudgets",
        "azhzAAogCglwb2xpY3kvdjESE1BvZERpc3J1cHRpb25CdWRnZXQSQQobCgRwZGIxEgAaB2RlZmF1bHQiACoAMgA4AEIAEhYKBggAEAIaABIMCgoKA2FwcBIDd2ViGgoIABgAIAAoADAAGgAiAA==",
        """
        {
          "kind": "PodDisruptionBudget",
          "apiVersion": "policy/v1",
          "metadata": {
            "name": "pdb1",
            "namespace": "default"
          },
          "spec": {
            "minAvailable": 2,
            "selector": {
              "matchLabels": {
                "app": "web"
              }
            }
          }
        }
        """);

    public static readonly Fixture PdbPercent = new(
        "pdb_pct",
        "kubectl create poddisruptionbudget pdb2 --selector=app=web --max-unavailable=50% -n default",
        "/apis/policy/v1/namespaces/default/poddisruptionbudgets",
        "azhzAAogCglwb2xpY3kvdjESE1BvZERpc3J1cHRpb25CdWRnZXQSRAobCgRwZGIyEgAaB2RlZmF1bHQiACoAMgA4AEIAEhkSDAoKCgNhcHASA3dlYhoJCAEQABoDNTAlGgoIABgAIAAoADAAGgAiAA==",
        """
        {
          "kind": "PodDisruptionBudget",
          "apiVersion": "policy/v1",
          "metadata": {
            "name": "pdb2",
            "namespace": "default"
          },
          "spec": {
            "selector": {
              "matchLabels": {
                "app": "web"
              }
            },
            "maxUnavailable": "50%"
          }
        }
        """);

    public static readonly Fixture PriorityClass = new(
        "priorityclass",
        "kubectl create priorityclass high --value=1000 --description='high prio' --global-default=false --preemption-policy=Never",
        "/apis/scheduling.k8s.io/v1/priorityclasses",
        "azhzAAolChRzY2hlZHVsaW5nLms4cy5pby92MRINUHJpb3JpdHlDbGFzcxItChQKBGhpZ2gSABoAIgAqADIAOABCABDoBxgAIgloaWdoIHByaW8qBU5ldmVyGgAiAA==",
        """
        {
          "kind": "PriorityClass",
          "apiVersion": "scheduling.k8s.io/v1",
          "metadata": {
            "name": "high"
          },
          "value": 1000,
          "description": "high prio",
          "preemptionPolicy": "Never"
        }
        """);

    public static readonly Fixture Ingress = new(
        "ingress",
        "kubectl create ingress ing1 --class=nginx --rule='foo.com/bar=svc1:8080,tls=my-cert' --rule='bar.com/*=svc2:http' --default-backend=defsvc:80 --annotation=a=b -n default",
        "/apis/networking.k8s.io/v1/namespaces/default/ingresses",
        "azhzAAofChRuZXR3b3JraW5nLms4cy5pby92MRIHSW5ncmVzcxK4AQojCgRpbmcxEgAaB2RlZmF1bHQiACoAMgA4AEIAYgYKAWESAWISjAEKECIOCgZkZWZzdmMSBAoAEFASEgoHZm9vLmNvbRIHbXktY2VydBotCgdmb28uY29tEiIKIAoeCgQvYmFyEg8iDQoEc3ZjMRIFCgAQkD8aBUV4YWN0Gi4KB2Jhci5jb20SIwohCh8KAS8SEiIQCgRzdmMyEggKBGh0dHAQABoGUHJlZml4IgVuZ2lueBoCCgAaACIA",
        """
        {
          "kind": "Ingress",
          "apiVersion": "networking.k8s.io/v1",
          "metadata": {
            "name": "ing1",
            "namespace": "default",
            "annotations": {
              "a": "b"
            }
          },
          "spec": {
            "ingressClassName": "nginx",
            "defaultBackend": {
              "service": {
                "name": "defsvc",
                "port": {
                  "number": 80
                }
              }
            },
            "tls": [
              {
                "hosts": [
                  "foo.com"
                ],
                "secretName": "my-cert"
              }
            ],
            "rules": [
              {
                "host": "foo.com",
                "http": {
                  "paths": [
                    {
                      "path": "/bar",
                      "pathType": "Exact",
                      "backend": {
                        "service": {
                          "name": "svc1",
                          "port": {
                            "number": 8080
                          }
                        }
                      }
                    }
                  ]
                }
              },
              {
                "host": "bar.com",
                "http": {
                  "paths": [
                    {
                      "path": "/",
                      "pathType": "Prefix",
                      "backend": {
                        "service": {
                          "name": "svc2",
                          "port": {
                            "name": "http"
                          }
                        }
                      }
                    }
                  ]
                }
              }
            ]
          }
        }
        """);

    public static readonly Fixture ClusterRole = new(
        "clusterrole",
        "kubectl create clusterrole reader --verb=get,list --resource=pods,deployments.apps",
        "/apis/rbac.authorization.k8s.io/v1/clusterroles",
        "azhzAAorChxyYmFjLmF1dGhvcml6YXRpb24uazhzLmlvL3YxEgtDbHVzdGVyUm9sZRJNChYKBnJlYWRlchIAGgAiACoAMgA4AEIAEhMKA2dldAoEbGlzdBIAGgRwb2RzEh4KA2dldAoEbGlzdBIEYXBwcxoLZGVwbG95bWVudHMaACIA",
        """
        {
          "kind": "ClusterRole",
          "apiVersion": "rbac.authorization.k8s.io/v1",
          "metadata": {
            "name": "reader"
          },
          "rules": [
            {
              "verbs": [
                "get",
                "list"
              ],
              "apiGroups": [
                ""
              ],
              "resources": [
                "pods"
              ]
            },
            {
              "verbs": [
                "get",
                "list"
              ],
              "apiGroups": [
                "apps"
              ],
              "resources": [
                "deployments"
              ]
            }
          ]
        }
        """);

    public static readonly Fixture ClusterRoleNonResource = new(
        "clusterrole_nr",
        "kubectl create clusterrole nr --verb=get --non-resource-url=/healthz --non-resource-url='/logs/*'",
        "/apis/rbac.authorization.k8s.io/v1/clusterroles",
        "azhzAAorChxyYmFjLmF1dGhvcml6YXRpb24uazhzLmlvL3YxEgtDbHVzdGVyUm9sZRIuChIKAm5yEgAaACIAKgAyADgAQgASGAoDZ2V0KggvaGVhbHRoeioHL2xvZ3MvKhoAIgA=",
        """
        {
          "kind": "ClusterRole",
          "apiVersion": "rbac.authorization.k8s.io/v1",
          "metadata": {
            "name": "nr"
          },
          "rules": [
            {
              "verbs": [
                "get"
              ],
              "nonResourceURLs": [
                "/healthz",
                "/logs/*"
              ]
            }
          ]
        }
        """);

    public static readonly IReadOnlyList<Fixture> All =
    [
        Namespace,
        ConfigMap,
        Secret,
        SecretDockerRegistry,
        Deployment,
        DeploymentWithCommand,
        DeploymentTwoImages,
        Service,
        ServiceNodePort,
        ServiceLoadBalancer,
        ServiceExternalName,
        ServiceHeadless,
        Job,
        JobWithoutCommand,
        ServiceAccount,
        CronJob,
        Role,
        ClusterRoleAggregated,
        RoleBinding,
        ClusterRoleBinding,
        Quota,
        Pdb,
        PdbPercent,
        PriorityClass,
        Ingress,
        ClusterRole,
        ClusterRoleNonResource,
    ];
}
