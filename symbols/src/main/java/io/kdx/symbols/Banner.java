package io.kdx.symbols;

/** linux_banner: "Linux version RELEASE (builder) (compiler) #VERSION ..." (init/version.c). */
final class Banner {
    private Banner() {}

    static String release(String banner) {
        if (banner == null || !banner.startsWith("Linux version ")) return null;
        String rest = banner.substring("Linux version ".length());
        int sp = rest.indexOf(' ');
        return sp < 0 ? rest.strip() : rest.substring(0, sp);
    }
}
