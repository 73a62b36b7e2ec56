namespace ServiceTokenOperator.IntegrationTests.Sandbox.Kubernetes;

/// <summary>A small test CRD (example.dev Widget) with a status subresource, printer columns and a varied schema.</summary>
internal static class TestCrds
{
    public const string WidgetCrdYaml = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.example.dev
        spec:
          group: example.dev
          scope: Namespaced
          names:
            plural: widgets
            singular: widget
            kind: Widget
            shortNames: [wd]
            categories: [all]
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
            - name: Ready
              type: string
              jsonPath: .status.conditions[?(@.type=="Ready")].status
            - name: Age
              type: date
              jsonPath: .metadata.creationTimestamp
            schema:
              openAPIV3Schema:
                type: object
                description: A Widget is a test resource.
                properties:
                  spec:
                    type: object
                    description: Spec is the desired widget.
                    required: [size]
                    not:
                      required: [color, paint]
                    properties:
                      size:
                        type: integer
                        minimum: 1
                        maximum: 10
                        description: Size of the widget, 1 to 10.
                      mode:
                        type: string
                        enum: [fast, slow]
                        default: slow
                      every:
                        type: string
                        pattern: '^[0-9]+(h|m|s)$'
                      color:
                        type: string
                        maxLength: 8
                      paint:
                        type: string
                      tags:
                        type: array
                        maxItems: 3
                        items:
                          type: string
                      port:
                        x-kubernetes-int-or-string: true
                      extra:
                        type: object
                        x-kubernetes-preserve-unknown-fields: true
                      labels:
                        type: object
                        additionalProperties:
                          type: string
                  status:
                    type: object
                    properties:
                      observedGeneration:
                        type: integer
                        format: int64
                      conditions:
                        type: array
                        items:
                          type: object
                          required: [type, status]
                          properties:
                            type:
                              type: string
                            status:
                              type: string
                            reason:
                              type: string
                            message:
                              type: string
                            lastTransitionTime:
                              type: string
                              format: date-time
        """;

    public const string WidgetYaml = """
        apiVersion: example.dev/v1
        kind: Widget
        metadata:
          name: w1
          namespace: default
          labels:
            tier: gold
        spec:
          size: 3
          every: 5m
        """;
}
