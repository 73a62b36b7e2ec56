namespace ServiceTokenOperator.Providers;

/// <summary>A configuration mistake a person must fix.</summary>
/// <param name="Field">The field or Secret key at fault, e.g. <c>spec.planetscale.accesses[0].permissions[1]</c>.</param>
/// <param name="Message">What is wrong and what is expected.</param>
internal sealed record ConfigProblem(string Field, string Message);
