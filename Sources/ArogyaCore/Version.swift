/// The version of this build, as `arogya --version` prints it.
public enum ArogyaVersion {
    public static let current = "0.1.0"
}
