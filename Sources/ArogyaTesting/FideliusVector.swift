/// The cross-check vector of abdm.md §5.5 (fidelius-cli's README, reproduced with abdm-ecdh), byte for byte.
public enum FideliusVector {
    public static let requesterPrivate = "DMxHPri8d7IT23KgLk281zZenMfVHSdeamq0RhwlIBk="
    public static let requesterPublic = "BAheD5rUqTy4V5xR4/6HWmYpopu5CO+KO8BECS0udNqUTSNo91TIqIIy1A4Vh+F94c+n9vAcwXU2bGcfsI5f69Y="
    public static let requesterX509 = "MIIBMTCB6gYHKoZIzj0CATCB3gIBATArBgcqhkjOPQEBAiB/////////////////////////////////////////7TBEBCAqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqYSRShRAQge0Je0Je0Je0Je0Je0Je0Je0Je0Je0Je0JgtenHcQyGQEQQQqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq0kWiCuGaG4oIa04B7dLHdI0UySPU1+bXxhsinpxaJ+ztPZAiAQAAAAAAAAAAAAAAAAAAAAFN753qL3nNZYEmMaXPXT7QIBCANCAAQIXg+a1Kk8uFecUeP+h1pmKaKbuQjvijvARAktLnTalE0jaPdUyKiCMtQOFYfhfeHPp/bwHMF1NmxnH7COX+vW"
    public static let requesterNonce = "6uj1RdDUbcpI3lVMZvijkMC8Te20O4Bcyz0SyivX8Eg="
    public static let senderPrivate = "AYhVZpbVeX4KS5Qm/W0+9Ye2q3rnVVGmqRICmseWni4="
    public static let senderPublic = "BABVt+mpRLMXiQpIfEq6bj8hlXsdtXIxLsspmMgLNI1SR5mHgDVbjHO2A+U4QlMddGzqyEidzm1AkhtSxSO2Ahg="
    public static let senderNonce = "lmXgblZwotx+DfBgKJF0lZXtAXgBEYr5khh79Zytr2Y="
    public static let plaintext = "Wormtail should never have been Potter cottage's secret keeper."
    public static let ciphertext = "pzMvVZNNVtJzqPkkxcCbBUWgDEBy/mBXIeT2dJWI16ZAQnnXUb9lI+S4k8XK6mgZSKKSRIHkcNvJpllnBg548wUgavBa0vCRRwdL6kY6Yw=="
    public static let salt = "7c8d152b86a4cf1636d3a52c4e69d70555514c95"
    public static let iv = "b52a0aa55925693fb77a5f2e"
    public static let aesKey = "c1e1aa56e80509ac195d4baa4d8df060b639f6b1b8b560af6a4e80b884810d97"
    /// A second key pair fidelius-cli printed (in a public integration's fixture).
    public static let otherPrivate = "CZ6Y/f4Ht+C7m3WufYDBa9RIT7ujI7+5FEj7hSiL0w8="
    public static let otherPublic = "BEUNCQ6gZLmYy06b5FQCcC1CJbDVFSdimVfBssegTH5VDks6MEV35tKHqth87Ov+ipfGRMUC9kwxBQafDVYpUnw="
    /// The point of order two, (A/3, 0): on the curve, outside its prime-order group.
    public static let orderTwoPoint = "BCqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqrSRRAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
}
