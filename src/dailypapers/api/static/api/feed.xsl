<?xml version="1.0" encoding="utf-8"?>
<!-- Shows an RSS 2.0 or Atom feed of this site as a readable page when a browser opens it;
     feed readers ignore this stylesheet. No inline styles or scripts: the site's CSP holds. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    exclude-result-prefixes="atom dc">
  <xsl:output method="html" encoding="utf-8" doctype-system="about:legacy-compat" indent="yes"/>

  <xsl:template match="/">
    <xsl:variable name="title" select="rss/channel/title | atom:feed/atom:title"/>
    <xsl:variable name="site" select="rss/channel/link | atom:feed/atom:link[@rel='alternate']/@href"/>
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="color-scheme" content="light dark"/>
        <title><xsl:value-of select="$title"/> (feed)</title>
        <link rel="stylesheet" href="/static/feed/site.css"/>
      </head>
      <body>
        <main id="main" class="feed-preview">
          <p class="notice feed-notice"><strong>This is a feed.</strong> Copy this page's address into your feed reader to follow it; new papers then come to you.</p>
          <h1><xsl:value-of select="$title"/></h1>
          <p class="subheading">
            <xsl:value-of select="rss/channel/description | atom:feed/atom:subtitle"/>
            <xsl:text> </xsl:text>
            <a href="{$site}">Open this list on the site</a>
          </p>
          <ol class="papers">
            <xsl:apply-templates select="rss/channel/item | atom:feed/atom:entry"/>
          </ol>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="item | atom:entry">
    <xsl:variable name="link" select="link | atom:link[@rel='alternate']/@href"/>
    <li class="paper">
      <article>
        <h2 class="title"><a href="{$link}"><xsl:value-of select="title | atom:title"/></a></h2>
        <p class="authors"><xsl:value-of select="dc:creator | atom:author/atom:name"/></p>
        <p class="meta">
          <span>
            <xsl:choose>
              <xsl:when test="pubDate"><xsl:value-of select="substring(pubDate, 6, 11)"/></xsl:when>
              <xsl:otherwise><xsl:value-of select="substring(atom:published, 1, 10)"/></xsl:otherwise>
            </xsl:choose>
          </span>
          <span class="cats">
            <xsl:for-each select="category | atom:category/@term">
              <span class="cat"><xsl:value-of select="."/></span>
              <xsl:text> </xsl:text>
            </xsl:for-each>
          </span>
          <xsl:for-each select="atom:link[@rel='related']">
            <a href="{@href}"><xsl:value-of select="@title"/></a>
          </xsl:for-each>
        </p>
      </article>
    </li>
  </xsl:template>
</xsl:stylesheet>
