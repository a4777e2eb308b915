#ifndef C_FIDELIUS_CURVE_H
#define C_FIDELIUS_CURVE_H

#include <stddef.h>
#include <stdint.h>

/* Curve25519 in short-Weierstrass form (the curve BouncyCastle names "curve25519", which ABDM's Fidelius
 * uses), with OpenSSL's EC arithmetic over its explicit parameters. Points are uncompressed, 04 || X || Y. */

enum {
    FIDELIUS_CURVE_OK = 0,
    /* The point is not on the curve, is the point at infinity, or lies outside the prime-order subgroup. */
    FIDELIUS_CURVE_BAD_POINT = 1,
    /* The scalar is zero or not below the group's order. */
    FIDELIUS_CURVE_BAD_SCALAR = 2,
    /* The DER is not a SubjectPublicKeyInfo of an EC key on this curve. */
    FIDELIUS_CURVE_BAD_DER = 3,
    /* OpenSSL failed (memory, randomness). */
    FIDELIUS_CURVE_FAILED = 4,
};

#define FIDELIUS_POINT_LENGTH 65
#define FIDELIUS_FIELD_LENGTH 32

/* point_out = scalar · G. The scalar is big-endian, any length (a leading 0x00 is allowed). */
int fidelius_curve_public_point(const uint8_t *scalar, size_t scalar_length, uint8_t point_out[FIDELIUS_POINT_LENGTH]);

/* x_out = the X coordinate of scalar · point, 32 bytes big-endian: the ECDH shared secret. */
int fidelius_curve_shared_x(const uint8_t *scalar, size_t scalar_length, const uint8_t point[FIDELIUS_POINT_LENGTH],
                            uint8_t x_out[FIDELIUS_FIELD_LENGTH]);

/* A uniformly random scalar in [1, order - 1], 32 bytes big-endian, from OpenSSL's CSPRNG. */
int fidelius_curve_random_scalar(uint8_t scalar_out[FIDELIUS_FIELD_LENGTH]);

/* The X.509 SubjectPublicKeyInfo (explicit curve parameters) of a point; *der_length holds the buffer's
 * size on entry and the encoding's on return. */
int fidelius_curve_x509_from_point(const uint8_t point[FIDELIUS_POINT_LENGTH], uint8_t *der_out, size_t *der_length);

/* The point inside an X.509 SubjectPublicKeyInfo whose parameters are this curve's. */
int fidelius_curve_point_from_x509(const uint8_t *der, size_t der_length, uint8_t point_out[FIDELIUS_POINT_LENGTH]);

#endif
