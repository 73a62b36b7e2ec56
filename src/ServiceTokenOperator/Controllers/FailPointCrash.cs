namespace ServiceTokenOperator.Controllers;

/// <summary>Thrown at an armed fail point: the simulated process death. Nothing catches it on the way out.</summary>
internal sealed class FailPointCrash(string point) : Exception($"simulated crash at fail point {point}");
