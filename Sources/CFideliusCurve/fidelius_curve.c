/* The curve arithmetic Fidelius needs, from OpenSSL's libcrypto. OpenSSL (not the BoringSSL inside
 * swift-crypto) because the curve has cofactor 8: BoringSSL builds custom curves of cofactor one only.
 * The EC_KEY and EC_GROUP calls are deprecated in OpenSSL 3 in favour of EVP parameters, which do not
 * take a curve outside OpenSSL's list as easily; they remain supported through OpenSSL 3.x. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "CFideliusCurve.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <string.h>

/* RFC 7748 §4.1's curve25519 mapped to y² = x³ + ax + b (as BouncyCastle's CustomNamedCurves has it). */
static const char *const prime_hex = "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffed";
static const char *const a_hex = "2aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa984914a144";
static const char *const b_hex = "7b425ed097b425ed097b425ed097b425ed097b425ed097b4260b5e9c7710c864";
static const char *const generator_x_hex = "2aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaad245a";
static const char *const generator_y_hex = "20ae19a1b8a086b4e01edd2c7748d14c923d4d7e6d7c61b229e9c5a27eced3d9";
static const char *const order_hex = "1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed";
static const unsigned long cofactor = 8;

static EC_GROUP *curve = NULL;
static pthread_once_t curve_once = PTHREAD_ONCE_INIT;

/* Made once and only read after: OpenSSL's EC operations take a const group and their own BN_CTX. */
static void make_curve(void) {
    BIGNUM *p = NULL, *a = NULL, *b = NULL, *x = NULL, *y = NULL, *order = NULL, *h = BN_new();
    EC_POINT *generator = NULL;
    EC_GROUP *group = NULL;
    if (!h || !BN_hex2bn(&p, prime_hex) || !BN_hex2bn(&a, a_hex) || !BN_hex2bn(&b, b_hex) || !BN_hex2bn(&x, generator_x_hex)
        || !BN_hex2bn(&y, generator_y_hex) || !BN_hex2bn(&order, order_hex) || !BN_set_word(h, cofactor)) goto done;
    group = EC_GROUP_new_curve_GFp(p, a, b, NULL);
    if (!group) goto done;
    generator = EC_POINT_new(group);
    if (!generator || !EC_POINT_set_affine_coordinates(group, generator, x, y, NULL)
        || !EC_GROUP_set_generator(group, generator, order, h)) {
        EC_GROUP_free(group);
        group = NULL;
        goto done;
    }
    /* Keys travel with the curve spelled out, as BouncyCastle writes them: this curve has no OID. */
    EC_GROUP_set_asn1_flag(group, OPENSSL_EC_EXPLICIT_CURVE);
    EC_GROUP_set_point_conversion_form(group, POINT_CONVERSION_UNCOMPRESSED);
    curve = group;
done:
    EC_POINT_free(generator);
    BN_free(p); BN_free(a); BN_free(b); BN_free(x); BN_free(y); BN_free(order); BN_free(h);
}

static const EC_GROUP *the_curve(void) {
    pthread_once(&curve_once, make_curve);
    return curve;
}

/* A scalar in [1, order - 1], or NULL. */
static BIGNUM *read_scalar(const EC_GROUP *group, const uint8_t *bytes, size_t length) {
    BIGNUM *scalar = BN_bin2bn(bytes, (int)length, NULL);
    if (!scalar) return NULL;
    if (BN_is_zero(scalar) || BN_cmp(scalar, EC_GROUP_get0_order(group)) >= 0) {
        BN_free(scalar);
        return NULL;
    }
    return scalar;
}

/* Writes 04 || X || Y; fails for the point at infinity. */
static int write_point(const EC_GROUP *group, const EC_POINT *point, uint8_t out[FIDELIUS_POINT_LENGTH], BN_CTX *context) {
    if (EC_POINT_is_at_infinity(group, point)) return FIDELIUS_CURVE_BAD_POINT;
    size_t written = EC_POINT_point2oct(group, point, POINT_CONVERSION_UNCOMPRESSED, out, FIDELIUS_POINT_LENGTH, context);
    return written == FIDELIUS_POINT_LENGTH ? FIDELIUS_CURVE_OK : FIDELIUS_CURVE_FAILED;
}

/* A public point the other side sent: on the curve, not infinity, and in the subgroup of prime order
 * (OpenSSL's own public-key check), so that no small-subgroup point can leak bits of our scalar. */
static EC_POINT *read_public_point(const EC_GROUP *group, const uint8_t point[FIDELIUS_POINT_LENGTH], BN_CTX *context) {
    if (point[0] != 0x04) return NULL;
    EC_POINT *parsed = EC_POINT_new(group);
    EC_KEY *key = EC_KEY_new();
    int valid = parsed && key && EC_POINT_oct2point(group, parsed, point, FIDELIUS_POINT_LENGTH, context)
        && EC_KEY_set_group(key, group) && EC_KEY_set_public_key(key, parsed) && EC_KEY_check_key(key);
    EC_KEY_free(key);
    if (!valid) {
        EC_POINT_free(parsed);
        return NULL;
    }
    return parsed;
}

int fidelius_curve_public_point(const uint8_t *scalar_bytes, size_t scalar_length, uint8_t point_out[FIDELIUS_POINT_LENGTH]) {
    const EC_GROUP *group = the_curve();
    if (!group) return FIDELIUS_CURVE_FAILED;
    BIGNUM *scalar = read_scalar(group, scalar_bytes, scalar_length);
    if (!scalar) return FIDELIUS_CURVE_BAD_SCALAR;
    int status = FIDELIUS_CURVE_FAILED;
    BN_CTX *context = BN_CTX_new();
    EC_POINT *result = EC_POINT_new(group);
    if (context && result && EC_POINT_mul(group, result, scalar, NULL, NULL, context)) {
        status = write_point(group, result, point_out, context);
    }
    EC_POINT_free(result);
    BN_CTX_free(context);
    BN_clear_free(scalar);
    return status;
}

int fidelius_curve_shared_x(const uint8_t *scalar_bytes, size_t scalar_length, const uint8_t point[FIDELIUS_POINT_LENGTH],
                            uint8_t x_out[FIDELIUS_FIELD_LENGTH]) {
    const EC_GROUP *group = the_curve();
    if (!group) return FIDELIUS_CURVE_FAILED;
    BIGNUM *scalar = read_scalar(group, scalar_bytes, scalar_length);
    if (!scalar) return FIDELIUS_CURVE_BAD_SCALAR;
    int status = FIDELIUS_CURVE_FAILED;
    BN_CTX *context = BN_CTX_new();
    EC_POINT *peer = NULL, *product = NULL;
    BIGNUM *x = BN_new();
    if (!context || !x) goto done;
    peer = read_public_point(group, point, context);
    if (!peer) {
        status = FIDELIUS_CURVE_BAD_POINT;
        goto done;
    }
    product = EC_POINT_new(group);
    if (!product || !EC_POINT_mul(group, product, NULL, peer, scalar, context)) goto done;
    if (EC_POINT_is_at_infinity(group, product)) {
        status = FIDELIUS_CURVE_BAD_POINT;
        goto done;
    }
    if (EC_POINT_get_affine_coordinates(group, product, x, NULL, context) && BN_bn2binpad(x, x_out, FIDELIUS_FIELD_LENGTH) == FIDELIUS_FIELD_LENGTH) {
        status = FIDELIUS_CURVE_OK;
    }
done:
    EC_POINT_free(product);
    EC_POINT_free(peer);
    BN_clear_free(x);
    BN_CTX_free(context);
    BN_clear_free(scalar);
    return status;
}

int fidelius_curve_random_scalar(uint8_t scalar_out[FIDELIUS_FIELD_LENGTH]) {
    const EC_GROUP *group = the_curve();
    if (!group) return FIDELIUS_CURVE_FAILED;
    BIGNUM *scalar = BN_new();
    int status = FIDELIUS_CURVE_FAILED;
    if (!scalar) return status;
    do {
        if (!BN_priv_rand_range(scalar, EC_GROUP_get0_order(group))) goto done;
    } while (BN_is_zero(scalar));
    if (BN_bn2binpad(scalar, scalar_out, FIDELIUS_FIELD_LENGTH) == FIDELIUS_FIELD_LENGTH) status = FIDELIUS_CURVE_OK;
done:
    BN_clear_free(scalar);
    return status;
}

int fidelius_curve_x509_from_point(const uint8_t point[FIDELIUS_POINT_LENGTH], uint8_t *der_out, size_t *der_length) {
    const EC_GROUP *group = the_curve();
    if (!group) return FIDELIUS_CURVE_FAILED;
    int status = FIDELIUS_CURVE_FAILED;
    BN_CTX *context = BN_CTX_new();
    EC_KEY *key = EC_KEY_new();
    EC_POINT *parsed = NULL;
    if (!context || !key) goto done;
    parsed = read_public_point(group, point, context);
    if (!parsed) {
        status = FIDELIUS_CURVE_BAD_POINT;
        goto done;
    }
    if (!EC_KEY_set_group(key, group) || !EC_KEY_set_public_key(key, parsed)) goto done;
    int needed = i2d_EC_PUBKEY(key, NULL);
    if (needed <= 0 || (size_t)needed > *der_length) goto done;
    unsigned char *cursor = der_out;
    if (i2d_EC_PUBKEY(key, &cursor) != needed) goto done;
    *der_length = (size_t)needed;
    status = FIDELIUS_CURVE_OK;
done:
    EC_POINT_free(parsed);
    EC_KEY_free(key);
    BN_CTX_free(context);
    return status;
}

int fidelius_curve_point_from_x509(const uint8_t *der, size_t der_length, uint8_t point_out[FIDELIUS_POINT_LENGTH]) {
    const EC_GROUP *group = the_curve();
    if (!group) return FIDELIUS_CURVE_FAILED;
    const unsigned char *cursor = der;
    EC_KEY *key = d2i_EC_PUBKEY(NULL, &cursor, (long)der_length);
    if (!key) return FIDELIUS_CURVE_BAD_DER;
    int status = FIDELIUS_CURVE_BAD_DER;
    BN_CTX *context = BN_CTX_new();
    const EC_GROUP *theirs = EC_KEY_get0_group(key);
    const EC_POINT *point = EC_KEY_get0_public_key(key);
    /* All of the DER is the key, its curve is this one, and its point passes the checks a raw one gets. */
    if (context && cursor == der + der_length && theirs && point && EC_GROUP_cmp(group, theirs, context) == 0) {
        uint8_t raw[FIDELIUS_POINT_LENGTH];
        if (EC_POINT_point2oct(theirs, point, POINT_CONVERSION_UNCOMPRESSED, raw, sizeof raw, context) == sizeof raw) {
            EC_POINT *checked = read_public_point(group, raw, context);
            if (checked) {
                memcpy(point_out, raw, sizeof raw);
                status = FIDELIUS_CURVE_OK;
            } else {
                status = FIDELIUS_CURVE_BAD_POINT;
            }
            EC_POINT_free(checked);
        }
    }
    BN_CTX_free(context);
    EC_KEY_free(key);
    return status;
}
