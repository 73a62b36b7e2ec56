namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>One entry of a 422 Status's details.causes.</summary>
/// <param name="Reason">FieldValueRequired, FieldValueNotSupported, FieldValueInvalid or FieldValueTypeInvalid.</param>
/// <param name="Field">Dotted path such as <c>spec.rotation.every</c>.</param>
/// <param name="Message">Such as <c>Required value</c> or <c>Invalid value: "abc": ... should match '...'</c>.</param>
internal sealed record ValidationCause(string Reason, string Field, string Message);
